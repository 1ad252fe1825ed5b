// A tiny sequential test runner: register with test(name, fn), run with runTests(fixtures).
// Each test gets a fresh fixture object (fixtures.create()) that is disposed after it, pass or fail;
// disposal may throw (for example when a page logged a console error), which fails the test.
// Output: one line per test, the failure's message under it, the first failure again in full at the
// end, and as the very last line `N passed, N failed` (plus `, N skipped` when any were skipped).

const registry = [];

/** Registers a test. opts.timeoutMs (default 90 s); opts.skip = reason to skip it. */
export function test(name, fn, opts = {}) {
  registry.push({ name, fn, timeoutMs: 90_000, ...opts });
}

function withTimeout(promise, ms, name) {
  let timer;
  const timeout = new Promise((_, fail) => {
    timer = setTimeout(() => fail(new Error(`timed out after ${ms} ms: ${name}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(err) {
  if (!(err instanceof Error)) return String(err);
  return err.stack || `${err.name}: ${err.message}`;
}

function indent(text, pad = '    ') {
  // Playwright's call logs carry terminal colour codes; a log file reads better without them.
  return text.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => pad + l).join('\n');
}

/**
 * Runs every registered test whose name contains one of `filters` (all when empty).
 * `fixtures.create(test)` returns { value, dispose() }. Returns { passed, failed, skipped, failures }.
 */
export async function runTests(fixtures, filters = []) {
  const chosen = registry.filter((t) => filters.length === 0 || filters.some((f) => t.name.includes(f)));
  const result = { passed: 0, failed: 0, skipped: 0, failures: [] };
  for (const t of chosen) {
    const skip = typeof t.skip === 'function' ? t.skip() : t.skip;
    if (skip) {
      result.skipped += 1;
      console.log(`skip  ${t.name}  (${skip})`);
      continue;
    }
    const started = Date.now();
    const errors = [];
    let fx;
    try {
      fx = await fixtures.create(t);
      await withTimeout(Promise.resolve().then(() => t.fn(fx.value)), t.timeoutMs, t.name);
    } catch (err) {
      errors.push(err);
    }
    try {
      await fx?.dispose(errors.length > 0);
    } catch (err) {
      errors.push(err);
    }
    const ms = Date.now() - started;
    if (errors.length === 0) {
      result.passed += 1;
      console.log(`ok    ${t.name}  (${ms} ms)`);
    } else {
      result.failed += 1;
      result.failures.push({ name: t.name, errors });
      console.log(`FAIL  ${t.name}  (${ms} ms)`);
      for (const e of errors) console.log(indent(e instanceof Error ? e.message : String(e)));
    }
  }
  return result;
}

/** Prints the first failure in full, then the summary line (which must stay the last line). */
export function printSummary({ passed, failed, skipped, failures }) {
  if (failures.length > 0) {
    const first = failures[0];
    console.log(`\nFirst failure: ${first.name}`);
    for (const e of first.errors) console.log(indent(describe(e)));
    console.log('');
  }
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
}
