#!/usr/bin/env node
// End-to-end suite: serves dist/ at the host root and under a sub-path, drives the system Chromium
// through playwright-core (one browser, a fresh context per test) and checks the app against its
// data-testid contract. Usage (from the repository root, after `trunk build --release --dist dist`
// and `cargo build --release -p postmortem-sim --bin postmortem-sim`):
//
//   node www/e2e/run.mjs [NAME-FILTER...]
//
// Environment: E2E_DIST (default dist/), POSTMORTEM_SIM (default target/release/postmortem-sim),
// CHROME_BIN, E2E_SKIP_CLI=1 to skip the native-vs-wasm tests. The last line printed is always
// `N passed, N failed` (with `, N skipped` when some were skipped); the exit code is 1 on any failure.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, openGuardedPage } from './browser.mjs';
import { printSummary, runTests } from './harness.mjs';
import { App } from './pages.mjs';
import { startServer } from './server.mjs';
import { distDir, SUB_PATH } from './config.mjs';

import './specs/routes.mjs';
import './specs/charts.mjs';
import './specs/url-state.mjs';
import './specs/navigation.mjs';
import './specs/determinism.mjs';
import './specs/vsts.mjs';
import './specs/sevenpace.mjs';
import './specs/screenshots.mjs';
import './specs/perf.mjs';
import './specs/error-panel.mjs';
import './specs/offline.mjs';
import './specs/export.mjs';
import './specs/a11y.mjs';

function abort(message) {
  console.log(`e2e: ${message}`);
  printSummary({ passed: 0, failed: 1, skipped: 0, failures: [] });
  process.exit(1);
}

if (!existsSync(join(distDir, 'index.html'))) {
  abort(`${distDir}/index.html is missing; build the site first: trunk build --release --dist dist`);
}

let browser;
const servers = {};
try {
  servers.root = await startServer({ root: distDir, prefix: '/' });
  servers.sub = await startServer({ root: distDir, prefix: SUB_PATH });
  browser = await launchBrowser();
} catch (err) {
  abort(`setup failed: ${err.message}`);
}
console.log(`e2e: ${browser.version ? `Chromium ${browser.version()}` : 'browser'}; ` +
  `${distDir} at ${servers.root.url} and ${servers.sub.url}`);

/** The fixture each test receives: t.open(mount, contextOptions), t.close(page). */
const fixtures = {
  async create() {
    const opened = [];
    const checkAndClose = async (entry) => {
      opened.splice(opened.indexOf(entry), 1);
      const problems = entry.problems();
      await entry.context.close().catch(() => {});
      return problems;
    };
    const value = {
      browser,
      servers,
      /** Opens a fresh context and page watching `mount` ("root" or "sub"). */
      async open(mount = 'root', contextOptions = {}) {
        const server = servers[mount];
        const guarded = await openGuardedPage(browser, server.origin, contextOptions);
        const entry = { ...guarded, server, app: new App(guarded.page, server.url) };
        opened.push(entry);
        return entry;
      },
      /** Closes a page's context early, failing the test if the page misbehaved. */
      async close(page) {
        const entry = opened.find((e) => e.page === page);
        if (!entry) return;
        const problems = await checkAndClose(entry);
        if (problems.length) throw new Error(`the page ${page.url()} misbehaved:\n  ${problems.join('\n  ')}`);
      },
    };
    return {
      value,
      async dispose() {
        const problems = [];
        for (const entry of [...opened]) {
          const url = entry.page.url();
          for (const p of await checkAndClose(entry)) problems.push(`${url}: ${p}`);
        }
        if (problems.length) throw new Error(`pages misbehaved:\n  ${problems.join('\n  ')}`);
      },
    };
  },
};

const result = await runTests(fixtures, process.argv.slice(2));
await browser.close().catch(() => {});
await servers.root.close();
await servers.sub.close();
printSummary(result);
process.exit(result.failed > 0 || result.passed + result.failed + result.skipped === 0 ? 1 : 0);
