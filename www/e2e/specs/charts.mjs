// Charts draw, and the basics chapter's sliders and presets drive them.
import assert from 'node:assert/strict';
import { test } from '../harness.mjs';

/** A chart has ink when at least this share of its pixels differs from the background colour. */
const MIN_INK = 0.005;

test('chart-erlang draws on #/basics step 1: data-draws >= 1 and non-background pixels', async (t) => {
  const { app } = await t.open('root');
  await app.open('#/basics?step=1');
  const chart = app.chart('erlang');
  const draws = await chart.waitForDraws(1);
  assert.ok(draws >= 1, `data-draws = ${draws}`);
  await chart.waitForQuiet(); // runs are time-sliced: read the pixels once the run has finished
  const px = await chart.pixels();
  assert.equal(px.error, undefined, px.error);
  const share = px.inked / (px.width * px.height);
  assert.ok(px.inked > 200 && share >= MIN_INK,
    `canvas ${px.width}x${px.height} has only ${px.inked} non-background pixels (${(share * 100).toFixed(2)} %)`);
  assert.ok(px.colours >= 3, `canvas uses only ${px.colours} colours: axes, labels and a line need more`);
  assert.ok(await chart.points() > 0, `data-points = ${await chart.points()}`);
});

test('changing min_worker on basics step 2 redraws chart-staircase-threads with different pixels', async (t) => {
  const { app } = await t.open('root');
  await app.open('#/basics?step=2&seed=1');
  const chart = app.chart('staircase-threads');
  await chart.waitForDraws(1);
  const drawsBefore = await chart.waitForQuiet();
  const before = await chart.pixels();
  assert.equal(before.error, undefined, before.error);
  assert.ok(before.inked > 200, `staircase chart is blank before the change (${before.inked} inked pixels)`);

  const minWorker = app.param('min_worker');
  const start = Number((await minWorker.shown()).number);
  // 1000 alone is the min_worker_1000 preset, which the URL names instead of the value.
  const target = start === 600 ? 50 : 600;
  await minWorker.type(target);
  await minWorker.waitForValue(target);
  await app.waitForHash((p) => Number(p.min_worker) === target, `min_worker=${target}`);
  const drawsAfter = await chart.waitForDraws(drawsBefore + 1);
  await chart.waitForQuiet();
  const after = await chart.pixels();
  assert.ok(drawsAfter > drawsBefore, `data-draws stayed at ${drawsBefore}`);
  assert.notEqual(after.hash, before.hash, `min_worker ${start} -> ${target} left the drawn pixels identical`);
  assert.ok(after.inked > 200, `staircase chart is blank after the change (${after.inked} inked pixels)`);
});

test('presets on basics step 2 set their values, update the URL and redraw', async (t) => {
  const { app } = await t.open('root');
  await app.open('#/basics?step=2&seed=1');
  const chart = app.chart('staircase-threads');
  await chart.waitForDraws(1);
  let draws = await chart.waitForQuiet();

  const cases = [
    ['cpu_bound', { cpu_ms: 20, io_s: 0.05 }],
    ['min_worker_1000', { min_worker: 1000 }],
    ['net6', { net6: 1 }],
  ];
  for (const [preset, values] of cases) {
    await app.byTestId(`preset-${preset}`).click();
    for (const [name, value] of Object.entries(values)) {
      await app.param(name).waitForValue(value);
    }
    // The URL names a preset whose values the parameters are exactly.
    await app.waitForHash((p) => p.preset === preset, `preset=${preset}`);
    const now = await chart.waitForDraws(draws + 1);
    assert.ok(now > draws, `preset ${preset} did not redraw`);
    draws = await chart.waitForQuiet();
  }

  // "blocked" is the defaults: it takes the parameters the other presets moved back.
  await app.byTestId('preset-blocked').click();
  const fresh = await t.open('root');
  await fresh.app.open('#/basics?step=2');
  for (const name of ['cpu_ms', 'io_s', 'min_worker', 'net6']) {
    const def = (await fresh.app.param(name).shown()).number;
    await app.param(name).waitForValue(def);
  }
});
