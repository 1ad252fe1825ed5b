// Offline: after one visit the whole site works with its server gone (a service worker caches the
// build), a new build replaces the cached one on the next visit, and the site is installable.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '../harness.mjs';
import { distDir, repoRoot, SUB_PATH } from '../config.mjs';
import { chromium } from 'playwright-core';
import { CHROME_ARGS, findChrome, openGuardedPage } from '../browser.mjs';
import { startServer } from '../server.mjs';
import { App, runDone, until } from '../pages.mjs';

/** Waits until a service worker controls the page (it is active once it has cached the build). */
async function controlled(page) {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((ok) => navigator.serviceWorker.addEventListener('controllerchange', ok, { once: true }));
    }
    return reg.active.scriptURL;
  });
}

const cacheNames = (page) => page.evaluate(() => caches.keys());

/** A copy of the build on a server of its own, which the test can stop. */
async function ownSite(browser) {
  const dir = mkdtempSync(join(tmpdir(), 'pml-offline-'));
  cpSync(distDir, dir, { recursive: true });
  const server = await startServer({ root: dir, prefix: SUB_PATH });
  const guarded = await openGuardedPage(browser, server.origin, { serviceWorkers: 'allow' });
  const app = new App(guarded.page, server.url);
  const done = async () => {
    await guarded.context.close().catch(() => {});
    await server.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, server, app, ...guarded, done };
}

test('offline: after one visit the site reloads and runs a chapter with its server gone', async (t) => {
  const site = await ownSite(t.browser);
  try {
    const { app, page } = site;
    await app.open('#/basics?step=2&seed=3');
    await app.chart('staircase-threads').waitForDraws(1);
    assert.match(await controlled(page), /\/sw\.js$/);
    await site.server.close();
    // Nothing answers at the origin any more.
    await assert.rejects(fetch(site.server.url), 'the server still answers');

    await page.reload({ waitUntil: 'load' });
    await app.byTestId('chapter-basics').waitFor({ state: 'visible' });
    await runDone(page);
    const chart = app.chart('staircase-threads');
    await chart.waitForDraws(1);
    await chart.waitForQuiet();
    const px = await chart.pixels();
    assert.equal(px.error, undefined, px.error);
    assert.ok(px.inked > 200, `the chart drew only ${px.inked} pixels offline`);
    // Another chapter, still with no server: its run comes from the same cached build.
    await page.evaluate(() => { location.hash = '#/7pace-2017?step=1'; });
    await app.byTestId('chapter-7pace').waitFor({ state: 'visible' });
    await app.chart('load').waitForDraws(1);
    assert.deepEqual(site.problems(), [], 'the page misbehaved offline');
  } finally {
    await site.done();
  }
});

test('offline: a new build replaces the cached one on the next visit, keeping the last one for open tabs', async (t) => {
  const site = await ownSite(t.browser);
  try {
    const { app, page, dir } = site;
    await app.open('#/');
    await app.byTestId('landing').waitFor({ state: 'visible' });
    await controlled(page);
    const before = await cacheNames(page);
    assert.equal(before.length, 1, `one cache for one build: ${before}`);
    assert.ok(before[0].includes(SUB_PATH), `the cache is named for its scope: ${before[0]}`);

    // A new build: another page, and its worker written by the build's own script.
    const index = join(dir, 'index.html');
    writeFileSync(index, readFileSync(index, 'utf8').replace('<head>', '<head><meta name="build" content="2" />'));
    execFileSync('bash', [join(repoRoot, 'scripts/service-worker.sh'), dir], { stdio: 'ignore' });
    await page.reload({ waitUntil: 'load' });
    const build = () => page.evaluate(() => document.querySelector('meta[name="build"]')?.content ?? '1');
    assert.equal(await build(), '2', 'the page comes from the network while online');
    // The new build's cache, and the last build's kept for tabs that still show it.
    const after = await until(page, async () => {
      const names = await cacheNames(page);
      return names.length === 2 && names[0] === before[0] && names;
    }, 'the new build\'s cache beside the old one');

    // A third build: the first build's cache goes.
    writeFileSync(index, readFileSync(index, 'utf8').replace('content="2"', 'content="3"'));
    execFileSync('bash', [join(repoRoot, 'scripts/service-worker.sh'), dir], { stdio: 'ignore' });
    await page.reload({ waitUntil: 'load' });
    // Right after an update Chromium may skip the check a navigation makes; a page can ask.
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
    let names;
    await until(page, async () => {
      names = await cacheNames(page);
      return names.length === 2 && !names.includes(before[0]) && names[0] === after[1];
    }, 'the first build\'s cache to go').catch((e) => { throw new Error(`${e.message}: caches ${names}, after the second build ${after}`); });

    await site.server.close();
    await page.reload({ waitUntil: 'load' });
    assert.equal(await build(), '3', 'offline, the page is the newest build\'s');
    await app.byTestId('landing').waitFor({ state: 'visible' });
  } finally {
    await site.done();
  }
});

test('the site is installable as a web app: a manifest with icons, and Chromium reports no installability errors', async (t) => {
  // Installing needs a browser profile: an ordinary context is incognito, where Chromium offers none.
  const profile = mkdtempSync(join(tmpdir(), 'pml-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: findChrome(), args: CHROME_ARGS });
  try {
    await installable(context, t.servers.sub);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

async function installable(context, server) {
  const page = await context.newPage();
  const app = new App(page, server.url);
  await app.open('#/');
  await app.byTestId('landing').waitFor({ state: 'visible' });
  await controlled(page);
  const manifest = await page.evaluate(async () => {
    const href = document.querySelector('link[rel="manifest"]').href;
    const m = await (await fetch(href)).json();
    const icons = await Promise.all(m.icons.map(async (i) => {
      const img = new Image();
      img.src = new URL(i.src, href).href;
      await img.decode();
      return `${img.naturalWidth}x${img.naturalHeight}` === i.sizes;
    }));
    return { ...m, iconsOk: icons, start: new URL(m.start_url, href).href };
  });
  assert.equal(manifest.display, 'standalone');
  assert.equal(manifest.start, server.url, 'the app starts where the site is mounted');
  assert.deepEqual(manifest.iconsOk, [true, true], 'each icon has the size it declares');
  const cdp = await page.context().newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, [], JSON.stringify(installabilityErrors));
}
