// A panic that escapes shows the error panel instead of a blank page, and its Reset keeps the
// chapter while dropping the settings in the address (the likeliest culprit), then reloads.
import assert from 'node:assert/strict';
import { test } from '../harness.mjs';

test('an escaped panic shows error-panel; error-reset keeps the route, clears the query, reloads', async (t) => {
  const { app, page, log } = await t.open('root');
  await app.open('#/basics?step=2&seed=5&min_worker=400');
  await app.byTestId('chapter-basics').waitFor({ state: 'visible' });

  const thrown = await page.evaluate(() => {
    try {
      window.wasmBindings.simulate_panic('e2e check');
      return null;
    } catch (e) {
      return String(e);
    }
  });
  assert.ok(thrown, 'the panic should surface as a JS exception from the wasm call');
  const panel = app.byTestId('error-panel');
  await panel.waitFor({ state: 'visible' });
  assert.match(await panel.innerText(), /simulated panic: e2e check/);
  assert.equal(await panel.getAttribute('role'), 'alert');

  // The panic was logged on purpose; anything else still counts as a problem.
  const expected = (s) => /simulated panic|unreachable|RuntimeError/.test(s);
  assert.ok(log.consoleErrors.some(expected), `the panic was not logged: ${JSON.stringify(log.consoleErrors)}`);
  log.consoleErrors.splice(0, log.consoleErrors.length, ...log.consoleErrors.filter((s) => !expected(s)));
  log.pageErrors.splice(0, log.pageErrors.length, ...log.pageErrors.filter((s) => !expected(s)));

  await Promise.all([page.waitForEvent('load'), app.byTestId('error-reset').click()]);
  await app.byTestId('chapter-basics').waitFor({ state: 'visible' });
  assert.equal(await app.byTestId('error-panel').count(), 0, 'the panel is gone after the reload');
  const hash = await page.evaluate(() => location.hash);
  assert.ok(hash === '#/basics' || hash.startsWith('#/basics?'), `route kept: ${hash}`);
  assert.ok(!hash.includes('min_worker=400'), `settings cleared: ${hash}`);
});
