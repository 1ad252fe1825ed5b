#!/usr/bin/env node
// wasm vs native speed of the M/M/c engine on the benchmark workload (M/M/7, rho = 0.9).
// Loads the built site in the system Chromium, calls window.wasmBindings.bench_mmc a few times,
// then runs the native CLI on the same workload and prints customers/s for both and their ratio.
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

const fmt = (x) => Math.round(x).toLocaleString('en-US');

async function main() {
  if (!existsSync(join(distDir, 'index.html'))) throw new Error(`${distDir}/index.html is missing: trunk build --release --dist dist`);
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: cargo build --release -p postmortem-sim --bin postmortem-sim`);

  const server = await startServer({ root: distDir, prefix: '/' });
  const browser = await launchBrowser();
  const wasm = [];
  try {
    const { page, problems } = await openGuardedPage(browser, server.origin);
    await page.goto(server.url + '#/', { waitUntil: 'load' });
    await page.waitForFunction(() => typeof window.wasmBindings?.bench_mmc === 'function', null, { timeout: 30_000 });
    console.log(`wasm in Chromium ${browser.version()}: bench_mmc(${SERVERS}, ${ARRIVAL}, ${SERVICE}, ${CUSTOMERS}, ${SEED})`);
    for (let i = 1; i <= RUNS; i++) {
      const text = await page.evaluate(([c, l, m, n, s]) => window.wasmBindings.bench_mmc(c, l, m, n, s),
        [SERVERS, ARRIVAL, SERVICE, CUSTOMERS, SEED]);
      const r = JSON.parse(text);
      const rate = r.customers / r.seconds;
      wasm.push({ ...r, rate });
      console.log(`  run ${i}: ${fmt(r.customers)} customers in ${r.seconds.toFixed(3)} s = ${fmt(rate)} customers/s ` +
        `(reported ${fmt(r.customers_per_s)}), Wq ${r.wq_s.toFixed(4)} s`);
    }
    const bad = problems();
    if (bad.length) throw new Error(`the page misbehaved:\n  ${bad.join('\n  ')}`);
  } finally {
    await browser.close().catch(() => {});
    await server.close();
  }

  const args = ['mmc', '--servers', String(SERVERS), '--arrival-rate', String(ARRIVAL), '--service-rate', String(SERVICE),
    '--customers', String(CUSTOMERS), '--seed', String(SEED)];
  console.log(`native: ${cliPath} ${args.join(' ')}`);
  const native = [];
  for (let i = 1; i <= RUNS; i++) {
    const { stdout } = await promisify(execFile)(cliPath, args);
    const r = JSON.parse(stdout);
    const rate = r.customers / r.seconds;
    native.push({ ...r, rate });
    console.log(`  run ${i}: ${fmt(r.customers)} customers in ${r.seconds.toFixed(3)} s = ${fmt(rate)} customers/s, Wq ${r.wq_s.toFixed(4)} s`);
  }

  const bestWasm = Math.max(...wasm.map((r) => r.rate));
  const bestNative = Math.max(...native.map((r) => r.rate));
  const sameQueue = wasm[0].wq_s === native[0].wq_s ? 'identical Wq (same run)' : `Wq differs: wasm ${wasm[0].wq_s}, native ${native[0].wq_s}`;
  console.log(`best of ${RUNS}: wasm ${fmt(bestWasm)} customers/s, native ${fmt(bestNative)} customers/s; ` +
    `wasm/native = ${(bestWasm / bestNative).toFixed(2)}; ${sameQueue}`);
}

main().catch((err) => {
  console.error(`perf-wasm: ${err.stack || err}`);
  process.exit(1);
});
