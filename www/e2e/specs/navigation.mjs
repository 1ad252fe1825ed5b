// Step navigation: next and prev change the step's title, the URL, and the chart on show.
import assert from 'node:assert/strict';
import { test } from '../harness.mjs';

test('step-next / step-prev move through basics steps 1-3, updating step-title and the URL', async (t) => {
  const { app } = await t.open('root');
  await app.open('#/basics?seed=7');
  await app.byTestId('chapter-basics').waitFor({ state: 'visible' });
  const charts = { 1: 'mmc-queue', 2: 'staircase-threads', 3: 'probe-rotation' };

  const titles = { 1: await app.stepTitle() };
  assert.ok(titles[1].length > 0, 'step 1 has an empty title');
  await app.chart(charts[1]).waitForDraws(1);

  const enabled = async (id, onStep) => {
    const button = app.byTestId(id);
    assert.ok(await button.isEnabled(),
      `${id} is disabled on step ${onStep}; it renders as ${await button.evaluate((e) => e.outerHTML.slice(0, 240))}`);
    return button;
  };

  for (const step of [2, 3]) {
    await (await enabled('step-next', step - 1)).click();
    const p = await app.waitForHash((q) => q.step === String(step), `step=${step}`);
    assert.equal(p.seed, '7', `seed dropped from the URL on step ${step}: ${JSON.stringify(p)}`);
    await app.page.waitForFunction(
      ([sel, prev]) => document.querySelector(sel)?.innerText.trim() !== prev,
      ['[data-testid="step-title"]', titles[step - 1]],
    ).catch(() => { throw new Error(`step-title stayed "${titles[step - 1]}" on step ${step}`); });
    titles[step] = await app.stepTitle();
    await app.chart(charts[step]).waitForDraws(1);
  }
  assert.equal(new Set(Object.values(titles)).size, 3, `titles are not distinct: ${JSON.stringify(titles)}`);

  await (await enabled('step-prev', 3)).click();
  await app.waitForHash((q) => q.step === '2', 'step=2 after step-prev');
  await app.page.waitForFunction(
    ([sel, want]) => document.querySelector(sel)?.innerText.trim() === want,
    ['[data-testid="step-title"]', titles[2]],
  ).catch(async () => { throw new Error(`after step-prev, step-title is "${await app.stepTitle()}", expected "${titles[2]}"`); });
  await app.chart(charts[2]).waitForDraws(1);

  // A step in the URL opens that step directly.
  const fresh = await t.open('root');
  await fresh.app.open('#/basics?step=3&seed=7');
  await fresh.app.byTestId('step-title').waitFor();
  assert.equal(await fresh.app.stepTitle(), titles[3], 'loading ?step=3 shows another title than step-next did');
});
