// Export: every chart downloads as PNG (at the device pixel ratio) and as CSV of its points, and the
// run as CSV (byte for byte the CLI's) and JSON, each named after the scenario, preset and seed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { test } from '../harness.mjs';
import { cliPath } from '../config.mjs';
import { runDone } from '../pages.mjs';

const run = promisify(execFile);

/** Clicks `testId` and returns the download's file name and content. */
async function download(app, testId) {
  const [dl] = await Promise.all([app.page.waitForEvent('download'), app.byTestId(testId).click()]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
}

test('export: a chart as PNG at the pixel ratio and CSV of its points; the run as the CLI\'s CSV and as JSON', async (t) => {
  const { app, page } = await t.open('root', { deviceScaleFactor: 2 });
  await app.open('#/basics?step=2&seed=3&min_worker=50');
  await runDone(page);
  const chart = app.chart('staircase-threads');
  await chart.waitForDraws(1);
  await chart.waitForQuiet();
  const stem = 'staircase_custom_seed3';

  const png = await download(app, 'png-staircase-threads');
  assert.equal(png.name, `${stem}_staircase-threads.png`);
  assert.equal(png.bytes.subarray(1, 4).toString(), 'PNG', 'a PNG file');
  const canvas = await page.locator('[data-testid="chart-staircase-threads"] canvas').evaluate((c) => ({
    w: c.width, h: c.height, cssW: c.clientWidth,
  }));
  const [w, h] = [png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)];
  assert.deepEqual([w, h], [canvas.w, canvas.h], 'the PNG is the canvas as drawn');
  assert.ok(w >= 2 * canvas.cssW - 2, `drawn at the device pixel ratio 2: ${w} px for ${canvas.cssW} CSS px`);

  const { stdout: cli } = await run(cliPath, ['run', 'staircase', '--set', 'min_worker=50', '--seed', '3', '--format', 'csv'],
    { maxBuffer: 64 << 20 });
  const runCsv = await download(app, 'run-csv');
  assert.equal(runCsv.name, `${stem}.csv`);
  assert.ok(runCsv.bytes.toString() === cli, 'the run\'s CSV is the CLI\'s, byte for byte');
  const rows = cli.trim().split('\n').map((l) => l.split(','));
  const col = (name) => rows.slice(1).map((r) => Number(r[rows[0].indexOf(name)]));

  const chartCsv = (await download(app, 'csv-staircase-threads'));
  assert.equal(chartCsv.name, `${stem}_staircase-threads.csv`);
  const lines = chartCsv.bytes.toString().trim().split('\n');
  assert.equal(lines[0], 'series,Time [s],Threads [threads]');
  const threads = lines.slice(1).filter((l) => l.startsWith('threads,')).map((l) => l.split(',').map(Number));
  assert.equal(threads.length, rows.length - 1, 'every sample of the run, not the thinned drawing');
  assert.deepEqual(threads.map((r) => r[2]), col('threads'), 'the chart\'s points are the run\'s threads column');
  assert.deepEqual(threads.map((r) => r[1]), col('time_s'), 'x is the run\'s time');

  const json = await download(app, 'run-json');
  assert.equal(json.name, `${stem}.json`);
  const doc = JSON.parse(json.bytes.toString());
  assert.equal(doc.scenario, 'staircase');
  assert.equal(doc.seed, 3);
  assert.equal(doc.params.min_worker, 50);
  assert.deepEqual(doc.columns.map((c) => c.name), rows[0], 'the CSV\'s columns');
  assert.deepEqual(doc.data.threads, col('threads'));
});

test('export: an incident chart\'s CSV writes clock times; files name the preset; the run\'s JSON has the clock', async (t) => {
  const { app } = await t.open('root');
  await app.open('#/vsts-2018?step=1&preset=no-crash-bug');
  await app.chart('rotation').waitForDraws(1);
  const csv = await download(app, 'csv-rotation');
  assert.equal(csv.name, 'vsts-2018-02-07_no-crash-bug_seed1_rotation.csv');
  const lines = csv.bytes.toString().trim().split('\n');
  assert.ok(lines.length > 2, `the chart has points: ${lines.length} lines`);
  for (const l of lines.slice(1)) assert.match(l, /^[^,]+,\d\d:\d\d:\d\d,/, `a clock time: ${l}`);
  // The run is still under way: its file says so, and has the CSV's clock column.
  const json = await download(app, 'run-json');
  assert.match(json.name, /^vsts-2018-02-07_no-crash-bug_seed1(_partial)?\.json$/);
  const doc = JSON.parse(json.bytes.toString());
  assert.deepEqual(doc.columns.slice(0, 2).map((c) => c.name), ['time_s', 'clock_utc']);
  assert.equal(doc.data.clock_utc[0], '09:30:00');
  assert.equal(doc.data.clock_utc.length, doc.data.time_s.length);
});
