// The 7pace chapter as a reader uses it: eight steps on two time scales (six months by day, and two
// hours of 2 January by the minute), play, pause and scrub on both, a preset in the URL, reload,
// bad URL values, and the rollout planner. The zoom runs at scale 0.05 (the same mechanisms, a
// third of the default's work) so the suite stays quick.
import assert from 'node:assert/strict';
import { test } from '../harness.mjs';
import { runDone, scrub, until } from '../pages.mjs';

const TITLES = [
  'Time starts ticking on the server', 'Rolling out in circles', 'The last circle', 'Scaling up',
  'Eight web apps', 'More caching, over the holidays', 'Back to work', 'Lessons',
];
const DAY = 86_400;

async function open7pace(t, query) {
  const { app, page } = await t.open('root');
  await app.open(`#/7pace-2017?${query}`);
  await app.byTestId('chapter-7pace').waitFor({ state: 'visible' });
  return { app, page };
}

const clockText = async (app) => (await app.byTestId('timeline-clock').innerText()).trim();

test('7pace: all eight steps by the → key and the buttons; step 7 is the 2 January zoom', async (t) => {
  const { app, page } = await open7pace(t, 'scale=0.05');
  assert.equal(await app.stepTitle(), TITLES[0]);
  await until(page, async () => (await clockText(app)) === 'Wed 1 Nov 2017, 00:00 UTC', 'step 1 ends on 1 Nov');
  for (let k = 2; k <= 8; k++) {
    await page.keyboard.press('ArrowRight');
    await until(page, async () => (await app.stepTitle()) === TITLES[k - 1], `step ${k} "${TITLES[k - 1]}"`);
    await app.waitForHash((p) => p.step === String(k), `step=${k}`);
    if (k === 7) {
      // The zoom has its own timeline, in minutes, and its own run.
      await until(page, async () => (await clockText(app)) === 'Tue 2 Jan 2018, 13:00 UTC', 'the zoom ends at 13:00');
      await runDone(page);
      await app.chart('zoom-frozen').waitForDraws(1);
      assert.ok((await app.chart('zoom-threads').points()) > 100, 'the zoom drew its threads');
    }
  }
  await until(page, async () => (await clockText(app)) === 'Wed 31 Jan 2018, 00:00 UTC', 'step 8 on the six months');
  await app.byTestId('step-prev').click();
  await until(page, async () => (await app.stepTitle()) === TITLES[6], 'step 7 by the Previous button');
  await app.byTestId('step-next').click();
  await until(page, async () => (await app.stepTitle()) === TITLES[7], 'step 8 by the Next button');
  await runDone(page);
  await app.chart('alerts').waitForDraws(1);
  assert.ok((await app.chart('load').points()) > 100, 'the load chart has data');
});

test('7pace timelines: scrub, play and pause on the six months and on the zoom; clock and URL follow', async (t) => {
  const { app, page } = await open7pace(t, 'scale=0.05&step=3');
  await runDone(page);
  await scrub(app, 58 * DAY);
  await until(page, async () => (await clockText(app)) === 'Tue 28 Nov 2017, 00:00 UTC', 'the clock on 28 Nov');
  await app.waitForHash((p) => p.t === '2017-11-28', 't=2017-11-28');
  await app.chart('load').waitForQuiet();
  const partial = await app.chart('load').points();
  await app.byTestId('timeline-play').click();
  await until(page, async () => (await clockText(app)) !== 'Tue 28 Nov 2017, 00:00 UTC', 'the six months moving on');
  await app.byTestId('timeline-play').click();
  const paused = await clockText(app);
  await page.waitForTimeout(400);
  assert.equal(await clockText(app), paused, 'paused: the clock stands still');
  await until(page, async () => (await app.chart('load').points()) > partial, 'more drawn after playing');

  // The zoom: its own scale, in minutes.
  await app.open('#/7pace-2017?scale=0.05&step=7');
  await app.byTestId('chapter-7pace').waitFor({ state: 'visible' });
  await runDone(page);
  await scrub(app, 1800);
  await until(page, async () => (await clockText(app)) === 'Tue 2 Jan 2018, 11:30 UTC', 'the zoom at 11:30');
  await app.waitForHash((p) => p.t === '2018-01-02T11:30', 't=2018-01-02T11:30');
  await app.byTestId('timeline-play').click();
  await until(page, async () => (await clockText(app)) > 'Tue 2 Jan 2018, 11:30 UTC', 'the zoom moving on');
  await app.byTestId('timeline-play').click();
  const zoomPaused = await clockText(app);
  await page.waitForTimeout(400);
  assert.equal(await clockText(app), zoomPaused, 'the zoom paused');
});

test('7pace: a preset changes the charts and the URL, and a reload brings back preset, step and time', async (t) => {
  const { app, page } = await open7pace(t, 'step=6');
  await runDone(page);
  const chart = app.chart('redis');
  await chart.waitForQuiet();
  const before = await chart.pixels();
  await app.byTestId('preset-page-visibility').click();
  const params = await app.waitForHash((p) => p.preset === 'page-visibility', 'preset=page-visibility');
  assert.equal(params.step, '6');
  await until(page, async () => {
    const now = await chart.pixels();
    return now.hash !== before.hash && now.inked > 0;
  }, 'the Redis chart to change');
  await scrub(app, 90 * DAY);
  await app.waitForHash((p) => p.t === '2017-12-30', 't=2017-12-30');
  await page.reload({ waitUntil: 'load' });
  await app.byTestId('chapter-7pace').waitFor({ state: 'visible' });
  assert.equal(await app.stepTitle(), TITLES[5]);
  assert.equal(await app.byTestId('preset-page-visibility').getAttribute('aria-pressed'), 'true');
  assert.equal(await clockText(app), 'Sat 30 Dec 2017, 00:00 UTC');
});

test('7pace: bad URL values (tabs_per_user=99, t=2018-13-01, step=12) are named with their ranges; the rest is kept', async (t) => {
  const { app, page } = await open7pace(t, 'step=12&tabs_per_user=99&t=2018-13-01&poll_s=60');
  const errors = app.byTestId('param-errors');
  await errors.waitFor({ state: 'visible' });
  const text = await errors.innerText();
  assert.match(text, /tabs_per_user must be a number from 1 to 10 tabs/);
  assert.match(text, /step must be an integer from 1 to 8/);
  assert.match(text, /t must be a date from 2017-10-01 to 2018-04-01 as YYYY-MM-DD/);
  assert.equal(await app.stepTitle(), TITLES[0], 'step 1 replaces the bad step');
  await runDone(page);
  await app.chart('load').waitForDraws(1);
  const p = await app.waitForHash((q) => q.poll_s === '60', 'poll_s=60 kept');
  assert.equal(p.tabs_per_user, undefined, 'the bad value is not written back');
});

test('7pace planner: exponential circles cross at circle 9; equal ones earlier, exposing fewer users; a bad list is named', async (t) => {
  const { app, page } = await open7pace(t, 'step=2');
  const answer = app.byTestId('planner-answer');
  await answer.waitFor({ state: 'visible' });
  assert.equal(await answer.getAttribute('data-first-circle'), '9');
  assert.match(await answer.innerText(), /^Circle 9 \(28 Nov\) is the first to push a web app over 80 % CPU/);
  await app.byTestId('planner-sizes').selectOption('1');
  await app.waitForHash((p) => p.preset === 'equal-circles', 'equal circles are a preset, written by name');
  const k = Number(await until(page, async () => {
    const v = await answer.getAttribute('data-first-circle');
    return v !== '9' && v;
  }, 'an earlier circle'));
  assert.ok(k >= 1 && k < 9, `equal circles cross at circle ${k}`);
  assert.ok(Number(await answer.getAttribute('data-exposed')) <= 2300, 'at most 2,300 users exposed');
  // The reader's own list.
  const list = app.byTestId('planner-list');
  await list.fill('7, 7, 7, 7, 7, 7, 7');
  await list.press('Tab');
  await app.waitForHash((p) => p.circles === '7' && p.circle_sizes === '2', 'seven custom circles');
  await list.fill('7, banana');
  await list.press('Tab');
  await app.byTestId('planner-list-error').waitFor({ state: 'visible' });
  assert.match(await app.byTestId('planner-list-error').innerText(), /circle sizes must be 3 to 15 numbers from 0 to 100/);
  assert.equal((await app.hash()).params.circles, '7', 'the bad list changed nothing');
});

test('7pace: playing to the end of step 6 stops there; the zoom of step 7 is the reader\'s next click', async (t) => {
  const { app, page } = await open7pace(t, 'scale=0.05&step=6&t=2018-01-01T12:00');
  await runDone(page);
  await app.byTestId('timeline-speed').selectOption({ label: '1 day/s' });
  await app.byTestId('timeline-play').click();
  await until(page, async () => (await app.byTestId('timeline-play').getAttribute('data-playing')) === 'false', 'playing stops');
  assert.equal(await clockText(app), 'Tue 2 Jan 2018, 00:00 UTC', 'stopped at the end of the step\'s window');
  assert.equal(await app.stepTitle(), TITLES[5], 'still step 6');
  await app.byTestId('step-next').click();
  await until(page, async () => (await app.stepTitle()) === TITLES[6], 'step 7 by Next');
});
