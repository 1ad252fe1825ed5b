// The VSTS chapter as a reader uses it: ten steps by keys and buttons, the timeline (play, pause,
// scrub, Space), a knob that changes the centrepiece chart, presets in the URL, reload, and bad URL
// values. Most tests run the scenario at scale 0.05 (same mechanisms, a fifth of the work) so the
// suite stays quick; the default run is covered by the determinism and perf specs.
import assert from 'node:assert/strict';
import { test } from '../harness.mjs';
import { runDone, scrub, until } from '../pages.mjs';

const TITLES = [
  'A healthy baseline', 'A crash bug lands', 'A vulnerable morning', 'The trigger: a reconnect storm',
  'First impact', 'The vicious cycle', 'Mitigation by hand', 'Recovery', 'A fragile tail', 'The fixes',
];

async function openVsts(t, query) {
  const { app, page } = await t.open('root');
  await app.open(`#/vsts-2018?${query}`);
  await app.byTestId('chapter-vsts').waitFor({ state: 'visible' });
  return { app, page };
}

test('VSTS: all ten steps by the → and ← keys and the buttons; the URL follows', async (t) => {
  const { app, page } = await openVsts(t, 'scale=0.05');
  assert.equal(await app.stepTitle(), TITLES[0]);
  for (let k = 2; k <= 10; k++) {
    await page.keyboard.press('ArrowRight');
    await until(page, async () => (await app.stepTitle()) === TITLES[k - 1], `step ${k} "${TITLES[k - 1]}"`);
    await app.waitForHash((p) => p.step === String(k), `step=${k}`);
  }
  await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(200);
  assert.equal(await app.stepTitle(), TITLES[9], '→ on the last step stays there');
  await page.keyboard.press('ArrowLeft');
  await until(page, async () => (await app.stepTitle()) === TITLES[8], 'step 9 by ←');
  await app.byTestId('step-prev').click();
  await until(page, async () => (await app.stepTitle()) === TITLES[7], 'step 8 by the Previous button');
  await app.byTestId('step-next').click();
  await until(page, async () => (await app.stepTitle()) === TITLES[8], 'step 9 by the Next button');
  // Each step shows its own charts, drawn from the one run.
  await runDone(page);
  await app.chart('rotation').waitForDraws(1);
  assert.ok((await app.chart('rotation').points()) > 10, 'the rotation chart has data');
});

test('VSTS timeline: scrub, play, pause (button and Space); the clock and the URL follow', async (t) => {
  const { app, page } = await openVsts(t, 'scale=0.05&step=4');
  await runDone(page);
  const clock = app.byTestId('timeline-clock');
  assert.equal((await clock.innerText()).trim(), '10:20:00 UTC', 'step 4 shows its window up to 10:20');
  // Scrub to 10:10 (2,400 s after 09:30).
  await scrub(app, 2400);
  await until(page, async () => (await clock.innerText()).trim() === '10:10:00 UTC', 'the clock at 10:10');
  await app.waitForHash((p) => p.t === '10:10', 't=10:10');
  await app.chart('rotation').waitForQuiet();
  const partial = await app.chart('rotation').points();

  await app.byTestId('timeline-play').click();
  await until(page, async () => (await clock.innerText()).trim() > '10:10:30 UTC', 'the clock moving on');
  await app.byTestId('timeline-play').click();
  const paused = (await clock.innerText()).trim();
  await page.waitForTimeout(400);
  assert.equal((await clock.innerText()).trim(), paused, 'paused: the clock stands still');
  const hashT = (await app.waitForHash((p) => p.t && p.t > '10:10', 't after 10:10')).t;
  assert.ok(paused.startsWith(hashT.length === 5 ? hashT : hashT.slice(0, 5)), `URL t=${hashT} against clock ${paused}`);
  await until(page, async () => (await app.chart('rotation').points()) > partial, 'more of the run drawn after playing');

  // Space plays and pauses when the focus is not in a text field.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Space');
  await until(page, async () => (await app.byTestId('timeline-play').getAttribute('data-playing')) === 'true', 'Space plays');
  await page.keyboard.press('Space');
  await until(page, async () => (await app.byTestId('timeline-play').getAttribute('data-playing')) === 'false', 'Space pauses');
});

test('VSTS: a step knob (MinWorker) reruns the scenario and changes the centrepiece chart', async (t) => {
  const { app, page } = await openVsts(t, 'scale=0.05&step=6&seed=2');
  await runDone(page);
  const chart = app.chart('rotation');
  await chart.waitForQuiet();
  const before = await chart.pixels();
  assert.ok(!before.error, before.error);
  const knob = app.byTestId('step-param-min_worker-number');
  await knob.fill('1000');
  await knob.press('Tab');
  await app.waitForHash((p) => p.min_worker === '1000', 'min_worker=1000');
  await until(page, async () => {
    const now = await chart.pixels();
    return now.hash !== before.hash && now.inked > 0;
  }, 'the rotation chart to change');
  await runDone(page);
});

test('VSTS: a preset goes into the URL, and a reload brings back preset, step and time', async (t) => {
  const { app, page } = await openVsts(t, 'scale=0.05&step=5');
  await app.byTestId('preset-no-crash-bug').click();
  const params = await app.waitForHash((p) => p.preset === 'no-crash-bug', 'preset=no-crash-bug');
  assert.equal(params.step, '5');
  assert.equal(params.crash_rate_per_h, undefined, 'a preset is written by name, not as its values');
  await scrub(app, 3000);
  await app.waitForHash((p) => p.t === '10:20', 't=10:20');
  await page.reload({ waitUntil: 'load' });
  await app.byTestId('chapter-vsts').waitFor({ state: 'visible' });
  assert.equal(await app.stepTitle(), TITLES[4]);
  assert.equal(await app.byTestId('preset-no-crash-bug').getAttribute('aria-pressed'), 'true');
  assert.equal((await app.byTestId('timeline-clock').innerText()).trim(), '10:20:00 UTC');
  const p = (await app.hash()).params;
  assert.equal(p.scale, undefined, 'the preset replaced the scale tweak, as pressing it should');
  assert.equal(p.preset, 'no-crash-bug');
});

test('VSTS: bad URL values (min_worker=banana, seed=-3, t=25:00) are named with their ranges; the rest is kept', async (t) => {
  const { app, page } = await openVsts(t, 'scale=0.05&step=5&min_worker=banana&seed=-3&t=25:00&n_at=6');
  const errors = app.byTestId('param-errors');
  await errors.waitFor({ state: 'visible' });
  const text = await errors.innerText();
  assert.match(text, /min_worker must be an integer from 8 to 2000/);
  assert.match(text, /seed must be an integer from 0 to/);
  assert.match(text, /t must be a time from 09:30 to 13:00 UTC/);
  assert.equal(await app.stepTitle(), TITLES[4], 'the valid step is kept');
  assert.equal(await app.byTestId('step-param-max_executing-number').count(), 1, 'the step knobs are there');
  await runDone(page);
  await app.chart('rotation').waitForDraws(1);
  const p = await app.waitForHash((q) => q.n_at === '6', 'n_at=6 kept');
  assert.equal(p.min_worker, undefined, 'the bad value is not written back');
  assert.equal(p.seed, '1', 'the default seed replaces the bad one');
});

test('VSTS step 9: "force a crash" at the timeline\'s time sets force_crash_min and reruns', async (t) => {
  const { app, page } = await openVsts(t, 'scale=0.05&step=9');
  await runDone(page);
  await scrub(app, 10_800); // 12:30 UTC, 180 minutes after 09:30
  const before = await app.byTestId('run-status').getAttribute('data-run-id');
  await app.byTestId('step-action').click();
  await app.waitForHash((p) => p.force_crash_min === '180', 'force_crash_min=180');
  await until(page, async () => (await app.byTestId('run-status').getAttribute('data-run-id')) !== before, 'a new run');
  await runDone(page);
  await app.chart('rotation').waitForDraws(1);
});
