// Runs are reproducible from (scenario, params, seed) on both targets: the native CLI and the
// simulation worker in the browser (the path every chapter's charts take: rows streamed from the
// worker and put back together on the page) must produce the same CSV text, byte for byte.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { test } from '../harness.mjs';
import { cliPath } from '../config.mjs';

const run = promisify(execFile);

const CASES = [
  { scenario: 'mmc', set: { servers: 3, arrival_rate: 20 }, seed: 9 },
  { scenario: 'staircase', set: { min_worker: 50, arrival_rate: 300 }, seed: 3 },
  { scenario: 'probe', set: { hosts: 4, cpu_ms: 5 }, seed: 5 },
  // The VSTS incident at its smallest scale: every component (SignalR, crash bug, health agent,
  // operator, thrash detector) and the wall-clock column.
  { scenario: 'vsts-2018-02-07', set: { scale: 0.05, sample_s: 60 }, seed: 2 },
  // The chapter's own run: the default VSTS scenario, every 10 s sample.
  { scenario: 'vsts-2018-02-07', set: {}, seed: 1 },
  // Both 7pace scenarios, the macro one sampled every 30 minutes as its chapter does.
  { scenario: '7pace-2017', set: { sample_s: 1800 }, seed: 3 },
  { scenario: '7pace-2018-01-02', set: { scale: 0.05 }, seed: 4 },
];

const skipCli = () => (process.env.E2E_SKIP_CLI ? 'E2E_SKIP_CLI is set' : false);

/** Where two texts first differ, for a readable failure. */
function firstDifference(a, b) {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) {
      return `line ${i + 1} differs (native ${la.length} lines, wasm ${lb.length} lines):\n` +
        `  native: ${JSON.stringify(la[i])}\n  wasm:   ${JSON.stringify(lb[i])}`;
    }
  }
  return 'texts differ only in line endings';
}

for (const c of CASES) {
  const query = new URLSearchParams(Object.entries(c.set).map(([k, v]) => [k, String(v)])).toString();
  test(`determinism: CLI and the worker's worker_csv('${c.scenario}', '${query}', ${c.seed}) give identical CSV`, async (t) => {
    assert.ok(existsSync(cliPath),
      `CLI not found at ${cliPath}; build it with cargo build --release -p postmortem-sim --bin postmortem-sim`);
    const args = ['run', c.scenario, ...Object.entries(c.set).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
      '--seed', String(c.seed), '--format', 'csv'];
    const { stdout: native } = await run(cliPath, args, { maxBuffer: 256 << 20 });

    const { app, page } = await t.open('root');
    await app.open('#/');
    await app.wasmReady('worker_csv');
    const wasm = await page.evaluate(([s, q, seed]) => window.wasmBindings.worker_csv(s, q, seed),
      [c.scenario, query, c.seed]);

    assert.equal(typeof wasm, 'string', `worker_csv returned ${typeof wasm}`);
    const rows = native.trim().split('\n');
    assert.ok(rows.length >= 3, `the CLI printed only ${rows.length} lines:\n${native.slice(0, 500)}`);
    assert.match(rows[0], /^time_s,/, `CSV header does not start with time_s: ${rows[0]}`);
    if (native !== wasm) {
      assert.fail(`${cliPath} ${args.join(' ')}\ndiffers from worker_csv: ${firstDifference(native, wasm)}`);
    }
  }, { skip: skipCli, timeoutMs: 180_000 });
}
