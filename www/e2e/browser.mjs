// The system Chromium, driven by playwright-core (which never downloads a browser), and pages that
// watch themselves: every console error, uncaught page error, HTTP error and request that leaves the
// page's own origin is recorded. Requests to other origins are also blocked, so a test never waits on
// the network and a stray font or analytics call cannot pass unnoticed.

import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROME_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** CHROME_BIN, or the first installed of the usual system paths. Throws when none exists. */
export function findChrome() {
  if (process.env.CHROME_BIN) {
    if (!existsSync(process.env.CHROME_BIN)) throw new Error(`CHROME_BIN=${process.env.CHROME_BIN} does not exist`);
    return process.env.CHROME_BIN;
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new Error(`no Chromium found (set CHROME_BIN or install one of ${CANDIDATES.join(', ')}; ` +
      'on Debian: apt-get install -y chromium)');
  }
  return found;
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: findChrome(), headless: true, args: CHROME_ARGS });
}

/** True when `url` stays on `origin` (data: URLs and same-origin blob: URLs never leave the page). */
export function isLocal(url, origin) {
  if (url.startsWith('data:')) return true;
  try {
    return new URL(url).origin === origin; // blob:http://host/uuid has the inner origin
  } catch {
    return false;
  }
}

/**
 * Opens a fresh context and page for `origin`. Returns { context, page, log, problems() }, where
 * log holds every request URL, foreign (off-origin) URLs, console errors, page errors and HTTP errors,
 * and problems() lists them as readable lines (empty when the page behaved).
 */
export async function openGuardedPage(browser, origin, contextOptions = {}) {
  // No service worker unless a test asks for one (offline.mjs): its precache would download the
  // build a second time in every test, and requests it answers bypass the route guard below.
  const context = await browser.newContext({ deviceScaleFactor: 1, serviceWorkers: 'block', ...contextOptions });
  const log = { requests: [], foreign: [], consoleErrors: [], pageErrors: [], httpErrors: [], failed: [] };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url, origin)) return route.continue();
    log.foreign.push(`${url} (blocked)`);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('request', (req) => {
    const url = req.url();
    log.requests.push(url);
    if (!isLocal(url, origin)) log.foreign.push(url);
  });
  page.on('websocket', (ws) => {
    log.requests.push(ws.url());
    log.foreign.push(`${ws.url()} (websocket)`); // a static site opens none, even to its own host
  });
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    log.consoleErrors.push(`${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
  });
  page.on('pageerror', (err) => log.pageErrors.push(err.stack || String(err)));
  page.on('response', (res) => {
    if (res.status() >= 400) log.httpErrors.push(`${res.status()} ${res.url()}`);
  });
  page.on('requestfailed', (req) => {
    if (isLocal(req.url(), origin)) log.failed.push(`${req.url()}: ${req.failure()?.errorText}`);
  });
  const problems = () => [
    ...[...new Set(log.foreign)].map((u) => `request outside ${origin}: ${u}`),
    ...log.consoleErrors.map((t) => `console error: ${t}`),
    ...log.pageErrors.map((t) => `page error: ${t}`),
    ...log.httpErrors.map((t) => `HTTP error: ${t}`),
    ...log.failed.map((t) => `request failed: ${t}`),
  ];
  return { context, page, log, problems };
}
