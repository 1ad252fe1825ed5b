// Accessibility: axe-core (WCAG 2.0–2.2 A and AA, and its best practices) finds no violation on
// any route, in both colour schemes, at phone and wide width, nor on any step of any chapter.
// axe cannot see inside a canvas: the charts' text alternatives are checked by the chart tests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from '../harness.mjs';
import { repoRoot, ROUTES } from '../config.mjs';

const AXE = readFileSync(resolve(repoRoot, 'www/node_modules/axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const VIEWPORTS = { wide: { width: 1400, height: 900 }, phone: { width: 390, height: 844 } };

/** axe's violations on the page as it is, one readable line per rule. */
async function violations(page) {
  await page.addScriptTag({ content: AXE });
  const found = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return r.violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length}×): ${v.help}; e.g. ${v.nodes[0].target.join(' ')}`);
  }, TAGS);
  return found;
}

async function check(t, hash, testId, viewport, colorScheme) {
  const { app, page } = await t.open('root', { viewport: VIEWPORTS[viewport], colorScheme });
  await app.open(hash);
  await app.byTestId(testId).waitFor({ state: 'visible' });
  for (const chart of await app.charts()) await chart.waitForDraws(1);
  const found = await violations(page);
  assert.deepEqual(found, [], `${hash}, ${viewport}, ${colorScheme}:\n  ${found.join('\n  ')}`);
}

for (const r of ROUTES) {
  test(`a11y: axe finds no violation on ${r.hash}, phone and wide, light and dark`, async (t) => {
    for (const viewport of ['wide', 'phone']) {
      for (const scheme of ['light', 'dark']) await check(t, r.hash, r.testId, viewport, scheme);
    }
  }, { timeoutMs: 180_000 });
}

const CHAPTERS = [
  { route: '#/basics', testId: 'chapter-basics', steps: 3 },
  { route: '#/vsts-2018', testId: 'chapter-vsts', steps: 10, query: 'scale=0.05&' },
  { route: '#/7pace-2017', testId: 'chapter-7pace', steps: 8, query: 'scale=0.05&' },
];

for (const c of CHAPTERS) {
  test(`a11y: axe finds no violation on any step of ${c.route}`, async (t) => {
    for (let k = 1; k <= c.steps; k++) {
      // Each step once, alternating width and scheme.
      await check(t, `${c.route}?${c.query ?? ''}step=${k}`, c.testId, k % 2 ? 'wide' : 'phone', k % 3 ? 'light' : 'dark');
    }
  }, { timeoutMs: 300_000 });
}
