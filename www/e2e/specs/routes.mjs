// Every route renders at the host root and under a sub-path, without console or page errors, HTTP
// errors, or any request that leaves the origin (so the site works offline in a classroom).
import assert from 'node:assert/strict';
import { test } from '../harness.mjs';
import { ROUTES, SUB_PATH } from '../config.mjs';
import { tid } from '../pages.mjs';

/** Waits until every chart on the page has drawn at least once, then lets late errors surface. */
async function settle(app) {
  for (const chart of await app.charts()) await chart.waitForDraws(1);
  await app.page.waitForTimeout(500);
}

for (const mount of ['root', 'sub']) {
  const where = mount === 'root' ? 'at the host root' : `under ${SUB_PATH}`;
  for (const r of ROUTES) {
    test(`route ${r.hash} loads ${where} with no errors and no request outside the origin`, async (t) => {
      const { app, log, server } = await t.open(mount);
      await app.open(r.hash);
      await app.byTestId(r.testId).waitFor({ state: 'visible' });
      await settle(app);
      assert.equal(await app.byTestId('not-found').count(), 0, 'not-found is shown on a known route');
      assert.equal(await app.byTestId('error-panel').count(), 0, 'error-panel is shown');
      // The explicit form of the guard every test runs on dispose.
      assert.ok(log.requests.length > 0, 'no request was recorded at all');
      const outside = log.requests.filter((u) => !u.startsWith('data:') && new URL(u).origin !== server.origin);
      assert.deepEqual(outside, [], 'requests left the origin');
      assert.deepEqual(log.foreign, [], 'requests were blocked by the route handler');
      // Relative asset URLs: everything the page fetched lives under the mount point.
      const stray = log.requests.filter((u) => !u.startsWith('data:') && !new URL(u).pathname.startsWith(server.prefix));
      assert.deepEqual(stray, [], `requests outside the mount point ${server.prefix}`);
      assert.ok(log.requests.some((u) => /\.wasm(\?|$)/.test(u)), 'no .wasm module was requested');
      assert.deepEqual(log.consoleErrors, [], 'console errors');
      assert.deepEqual(log.pageErrors, [], 'page errors');
      assert.deepEqual(log.httpErrors, [], 'HTTP errors');
    });
  }
}

test(`landing cards lead to the three chapters (under ${SUB_PATH})`, async (t) => {
  const { app, page, server } = await t.open('sub');
  for (const [card, chapter, route] of [
    ['card-basics', 'chapter-basics', '/basics'],
    ['card-vsts', 'chapter-vsts', '/vsts-2018'],
    ['card-7pace', 'chapter-7pace', '/7pace-2017'],
  ]) {
    await app.open('#/');
    await app.byTestId('landing').waitFor();
    await app.byTestId(card).click();
    await app.byTestId(chapter).waitFor({ state: 'visible' });
    const url = new URL(page.url());
    assert.equal(url.pathname, server.prefix, `${card} left the mount point: ${page.url()}`);
    assert.equal((await app.hash()).route, route, `${card} led to ${page.url()}`);
  }
});

test('an unknown route shows not-found', async (t) => {
  const { app } = await t.open('sub');
  await app.open('#/no-such-chapter');
  await app.byTestId('not-found').waitFor({ state: 'visible' });
  for (const id of ['landing', 'chapter-basics', 'chapter-vsts', 'chapter-7pace']) {
    assert.equal(await app.byTestId(id).count(), 0, `${id} is rendered on an unknown route`);
  }
  // A known route is still reachable from there without reloading the page.
  await app.page.evaluate(() => { location.hash = '#/basics'; });
  await app.byTestId('chapter-basics').waitFor({ state: 'visible' });
  assert.equal(await app.page.locator(tid('not-found')).count(), 0, 'not-found stays after navigating away');
});
