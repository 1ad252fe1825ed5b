#!/usr/bin/env node
// wasm vs native speed of the M/M/c engine on the benchmark workload (M/M/7, rho = 0.9).
// Loads the built site in the system Chromium and runs the `mmc` scenario a few times in the
// simulation worker (window.wasmBindings.worker_csv, as the chapters run it), then runs the native
// CLI on the same run and prints customers/s for both (customers = arrivals in the run, about
// rate x duration), their ratio, and whether the two CSVs are identical.
//
//   node www/e2e/perf-wasm.mjs            (make perf-wasm; needs dist/ and the release CLI)
//
// Environment: E2E_DIST, POSTMORTEM_SIM, CHROME_BIN as for run.mjs; PERF_CUSTOMERS (default 2e6),
// PERF_RUNS (default 3). Exits 1 when something is missing or a call fails.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { launchBrowser, openGuardedPage } from './browser.mjs';
import { cliPath, distDir } from './config.mjs';
import { startServer } from './server.mjs';

const SERVERS = 7, ARRIVAL = 63, SERVICE = 10, SEED = 1;
const CUSTOMERS = Number(process.env.PERF_CUSTOMERS || 2e6);
const RUNS = Number(process.env.PERF_RUNS || 3);
const DURATION = Math.round(CUSTOMERS / ARRIVAL);
const QUERY = `servers=${SERVERS}&arrival_rate=${ARRIVAL}&service_rate=${SERVICE}&duration_s=${DURATION}&sample_s=${Math.min(DURATION, 3600)}`;
const lastWait = (csv) => Number(csv.trim().split('\n').pop().split(',').pop());

const fmt = (x) => Math.round(x).toLocaleString('en-US');

async function main() {
  if (!existsSync(join(distDir, 'index.html'))) throw new Error(`${distDir}/index.html is missing: trunk build --release --dist dist`);
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: cargo build --release -p postmortem-sim --bin postmortem-sim`);

  const server = await startServer({ root: distDir, prefix: '/' });
  const browser = await launchBrowser();
  const wasm = [];
  let wasmCsv = '';
  try {
    const { page, problems } = await openGuardedPage(browser, server.origin);
    await page.goto(server.url + '#/', { waitUntil: 'load' });
    await page.waitForFunction(() => typeof window.wasmBindings?.worker_csv === 'function', null, { timeout: 30_000 });
    console.log(`wasm in Chromium ${browser.version()}, in the worker: worker_csv('mmc', '${QUERY}', ${SEED})`);
    for (let i = 1; i <= RUNS; i++) {
      const { csv, ms } = await page.evaluate(async ([q, s]) => {
        const t0 = performance.now();
        const csv = await window.wasmBindings.worker_csv('mmc', q, s);
        return { csv, ms: performance.now() - t0 };
      }, [QUERY, SEED]);
      wasmCsv = csv;
      const rate = ARRIVAL * DURATION / (ms / 1000);
      wasm.push({ rate, wq_s: lastWait(csv) });
      console.log(`  run ${i}: ~${fmt(ARRIVAL * DURATION)} customers in ${(ms / 1000).toFixed(3)} s = ${fmt(rate)} customers/s, mean wait ${lastWait(csv).toFixed(4)} s`);
    }
    const bad = problems();
    if (bad.length) throw new Error(`the page misbehaved:\n  ${bad.join('\n  ')}`);
  } finally {
    await browser.close().catch(() => {});
    await server.close();
  }

  const args = ['run', 'mmc', ...QUERY.split('&').flatMap((kv) => ['--set', kv]), '--seed', String(SEED), '--format', 'csv'];
  console.log(`native: ${cliPath} ${args.join(' ')}`);
  const native = [];
  let nativeCsv = '';
  for (let i = 1; i <= RUNS; i++) {
    const t0 = performance.now();
    const { stdout } = await promisify(execFile)(cliPath, args, { maxBuffer: 64 << 20 });
    const s = (performance.now() - t0) / 1000;
    nativeCsv = stdout;
    const rate = ARRIVAL * DURATION / s;
    native.push({ rate, wq_s: lastWait(stdout) });
    console.log(`  run ${i}: ~${fmt(ARRIVAL * DURATION)} customers in ${s.toFixed(3)} s (process included) = ${fmt(rate)} customers/s`);
  }

  const bestWasm = Math.max(...wasm.map((r) => r.rate));
  const bestNative = Math.max(...native.map((r) => r.rate));
  const sameQueue = wasmCsv === nativeCsv ? 'identical CSV (same run)' : 'the CSVs differ';
  console.log(`best of ${RUNS}: wasm ${fmt(bestWasm)} customers/s, native ${fmt(bestNative)} customers/s; ` +
    `wasm/native = ${(bestWasm / bestNative).toFixed(2)}; ${sameQueue}`);
}

main().catch((err) => {
  console.error(`perf-wasm: ${err.stack || err}`);
  process.exit(1);
});
