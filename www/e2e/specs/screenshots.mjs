// Screenshots of every route, wide and phone, light and dark, into www/screenshots/ (git-ignored),
// for a reader of a pull request. Each one also checks the page rendered, drew its charts, and
// (on the phone) fits the screen's width without horizontal scrolling.
import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from '../harness.mjs';
import { ROUTES, screenshotDir } from '../config.mjs';

const VIEWPORTS = [
  { name: 'wide', viewport: { width: 1400, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
];

for (const r of ROUTES) {
  test(`screenshots of ${r.hash}: wide 1400x900 and phone 390x844, light and dark; phone fits 390 px`, async (t) => {
    mkdirSync(screenshotDir, { recursive: true });
    for (const v of VIEWPORTS) {
      for (const colorScheme of ['light', 'dark']) {
        const { viewport, isMobile, hasTouch } = v;
        const { app, page } = await t.open('root', { viewport, isMobile, hasTouch, colorScheme });
        await app.open(r.hash);
        await app.byTestId(r.testId).waitFor({ state: 'visible' });
        // A live chapter is photographed once its run has finished and its charts are still.
        const status = app.byTestId('run-status');
        if (await status.count()) {
          await page.locator('[data-testid="run-status"][data-done="true"]').waitFor({ state: 'attached', timeout: 90_000 });
        }
        for (const chart of await app.charts()) await chart.waitForDraws(1);
        for (const chart of await app.charts()) await chart.waitForQuiet(400);
        await page.waitForTimeout(300);
        const scheme = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
        assert.equal(scheme, colorScheme, 'the emulated colour scheme did not apply');
        if (v.name === 'phone') {
          const { scrollWidth, innerWidth } = await page.evaluate(() => ({
            scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
          assert.ok(scrollWidth <= innerWidth + 1,
            `${r.hash} (${colorScheme}) is ${scrollWidth} px wide on a ${innerWidth} px phone: it scrolls sideways`);
        }
        const file = join(screenshotDir, `${r.slug}-${v.name}-${colorScheme}.png`);
        await page.screenshot({ path: file, fullPage: true });
        assert.ok(statSync(file).size > 1000, `${file} is nearly empty`);
        await t.close(page);
      }
    }
  }, { timeoutMs: 180_000 });
}
