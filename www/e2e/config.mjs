// Paths and routes shared by the suite. Every path can be overridden from the environment.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
export const distDir = resolve(process.env.E2E_DIST || resolve(repoRoot, 'dist'));
export const cliPath = resolve(process.env.POSTMORTEM_SIM || resolve(repoRoot, 'target/release/postmortem-sim'));
export const screenshotDir = resolve(repoRoot, 'www/screenshots');
export const resultsDir = resolve(repoRoot, 'www/test-results');

/** The sub-path the site is also mounted under, as a course site would host it. */
export const SUB_PATH = '/course/incidents/';

/** Every route, with the test id that proves it rendered and a short name for files. */
export const ROUTES = [
  { hash: '#/', testId: 'landing', slug: 'landing' },
  { hash: '#/basics', testId: 'chapter-basics', slug: 'basics' },
  { hash: '#/vsts-2018', testId: 'chapter-vsts', slug: 'vsts-2018' },
  { hash: '#/7pace-2017', testId: 'chapter-7pace', slug: '7pace-2017' },
];
