// The URL's hash query is the state: it fills the inputs, follows them, survives a reload, and bad
// values are reported by name and range while the good ones are kept.
import assert from 'node:assert/strict';
import { test } from '../harness.mjs';

test('URL state round-trips: hash -> inputs, number input -> hash, reload keeps it', async (t) => {
  const { app, page } = await t.open('root');
  await app.open('#/basics?step=1&servers=3&arrival_rate=20&seed=9');
  await app.byTestId('chapter-basics').waitFor({ state: 'visible' });
  await app.param('servers').waitForValue(3);
  await app.param('arrival_rate').waitForValue(20);
  assert.equal(Number(await app.byTestId('seed').inputValue()), 9, 'seed input');

  await app.param('servers').type(5);
  await app.param('servers').waitForValue(5);
  const params = await app.waitForHash((p) => p.servers === '5', 'servers=5');
  assert.equal(Number(params.arrival_rate), 20, `arrival_rate lost from the hash: ${JSON.stringify(params)}`);
  assert.equal(Number(params.seed), 9, `seed lost from the hash: ${JSON.stringify(params)}`);
  assert.equal(Number(params.step ?? 1), 1, `step changed: ${JSON.stringify(params)}`);

  await page.reload({ waitUntil: 'load' });
  await app.byTestId('chapter-basics').waitFor({ state: 'visible' });
  await app.param('servers').waitForValue(5);
  await app.param('arrival_rate').waitForValue(20);
  assert.equal(Number(await app.byTestId('seed').inputValue()), 9, 'seed input after reload');
  const errs = app.byTestId('param-errors');
  const errText = (await errs.count()) > 0 ? (await errs.innerText()).trim() : '';
  assert.equal(errText, '', 'param-errors has messages although every value is valid');
});

test('bad URL values (servers=0, arrival_rate=abc) are named with their ranges; defaults replace them, valid values stay', async (t) => {
  // The defaults, read from a clean load rather than written here.
  const clean = await t.open('root');
  await clean.app.open('#/basics?step=1');
  await clean.app.byTestId('chapter-basics').waitFor({ state: 'visible' });
  const defaults = {};
  for (const name of ['servers', 'arrival_rate', 'service_rate']) {
    defaults[name] = (await clean.app.param(name).shown()).number;
  }
  const serviceRate = Number(defaults.service_rate) === 12 ? 13 : 12;

  const { app } = await t.open('root');
  await app.open(`#/basics?step=1&servers=0&arrival_rate=abc&service_rate=${serviceRate}&seed=9`);
  const errors = app.byTestId('param-errors');
  await errors.waitFor({ state: 'visible' });
  const text = await errors.innerText();
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);

  for (const name of ['servers', 'arrival_rate']) {
    const { min, max } = await app.param(name).bounds();
    assert.ok(min !== null && max !== null, `param-${name} has no min/max attributes`);
    const line = lines.find((l) => new RegExp(`\\b${name}\\b`).test(l));
    assert.ok(line, `param-errors does not name ${name}:\n${text}`);
    for (const bound of [min, max]) {
      assert.ok(new RegExp(`(^|[^0-9.])${bound.replace('.', '\\.')}([^0-9]|$)`).test(line),
        `the message for ${name} does not state its range ${min}..${max}: "${line}"`);
    }
    await app.param(name).waitForValue(defaults[name]);
  }
  assert.ok(!/service_rate/.test(text), `param-errors complains about the valid service_rate:\n${text}`);
  await app.param('service_rate').waitForValue(serviceRate);
  assert.equal(Number(await app.byTestId('seed').inputValue()), 9, 'valid seed was not kept');
  await app.chart('mmc-queue').waitForDraws(1); // the chapter still runs with the repaired values
});
