// Page objects over the app's data-testid contract. Tests speak in these terms (a chapter, a
// parameter, a chart) and never in CSS structure.

export const tid = (id) => `[data-testid="${id}"]`;

/** Parses the query part of a hash route: "#/basics?step=2&seed=7" -> { route, params }. */
/** Waits until the run on the current timeline has reached its end. */
export async function runDone(page, timeout = 60_000) {
  await page.locator(`${tid('run-status')}[data-done="true"]`).waitFor({ state: 'attached', timeout });
}

/** Moves the timeline's scrubber to `seconds` of simulated time, as dragging it would. */
export async function scrub(app, seconds) {
  await app.byTestId('timeline-scrubber').evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, seconds);
}

/** Polls `f` until it returns a truthy value, and returns it. */
export async function until(page, f, what, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await f();
    if (last) return last;
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function parseHash(hash) {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  const q = h.indexOf('?');
  const route = q < 0 ? h : h.slice(0, q);
  const params = Object.fromEntries(new URLSearchParams(q < 0 ? '' : h.slice(q + 1)));
  return { route, params };
}

export class App {
  /** `base` is the URL the site is mounted at, ending in "/" (e.g. http://127.0.0.1:1234/course/incidents/). */
  constructor(page, base) {
    this.page = page;
    this.base = base;
  }

  /** Loads `hash` (e.g. "#/basics?step=1") as a fresh document. */
  async open(hash = '#/') {
    await this.page.goto(this.base + hash, { waitUntil: 'load' });
  }

  byTestId(id) {
    return this.page.locator(tid(id));
  }

  async hash() {
    return parseHash(await this.page.evaluate(() => location.hash));
  }

  /** Waits until the hash's query satisfies `pred(params)`; returns the params. */
  async waitForHash(pred, what, timeout = 10_000) {
    const deadline = Date.now() + timeout;
    let last;
    while (Date.now() < deadline) {
      last = await this.hash();
      if (pred(last.params, last.route)) return last.params;
      await this.page.waitForTimeout(50);
    }
    throw new Error(`URL hash never showed ${what}; last was #${last.route}?${new URLSearchParams(last.params)}`);
  }

  param(name) {
    return new Param(this.page, name);
  }

  chart(id) {
    return new Chart(this.page, id);
  }

  /** Every chart container currently on the page, as Chart objects. */
  async charts() {
    const ids = await this.page.locator('[data-testid^="chart-"]').evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-testid').slice('chart-'.length)));
    return ids.map((id) => this.chart(id));
  }

  async stepTitle() {
    return (await this.byTestId('step-title').innerText()).trim();
  }

  /** Waits for window.wasmBindings (trunk's export of the wasm module) to offer `fn`. */
  async wasmReady(fn = 'worker_csv') {
    await this.page.waitForFunction((f) => typeof window.wasmBindings?.[f] === 'function', fn);
  }
}

export class Param {
  constructor(page, name) {
    this.page = page;
    this.name = name;
    this.range = page.locator(tid(`param-${name}`));
    this.number = page.locator(tid(`param-${name}-number`));
  }

  /** True when the parameter is an on/off switch (a checkbox, with no number input). */
  async isSwitch() {
    return (await this.range.getAttribute('type')) === 'checkbox';
  }

  /**
   * The values the inputs show: { range, number } as strings. A switch shows "1" or "0" in both.
   */
  async shown() {
    if (await this.isSwitch()) {
      const v = (await this.range.isChecked()) ? '1' : '0';
      return { range: v, number: v };
    }
    return { range: await this.range.inputValue(), number: await this.number.inputValue() };
  }

  /** Types `value` into the number input and leaves it (Tab), as a reader would; a switch is clicked. */
  async type(value) {
    if (await this.isSwitch()) {
      await this.range.setChecked(Number(value) !== 0);
      return;
    }
    await this.number.fill(String(value));
    await this.number.press('Tab');
  }

  /** The range input's min and max attributes as written in the page. */
  async bounds() {
    return { min: await this.range.getAttribute('min'), max: await this.range.getAttribute('max') };
  }

  /** Waits until both inputs show `value` (compared as numbers). */
  async waitForValue(value, timeout = 10_000) {
    const deadline = Date.now() + timeout;
    let last;
    while (Date.now() < deadline) {
      last = await this.shown();
      if (Number(last.range) === Number(value) && Number(last.number) === Number(value)) return;
      await this.page.waitForTimeout(50);
    }
    throw new Error(`param ${this.name}: expected ${value}, inputs show range=${last.range} number=${last.number}`);
  }
}

export class Chart {
  constructor(page, id) {
    this.page = page;
    this.id = id;
    this.el = page.locator(tid(`chart-${id}`));
  }

  async draws() {
    return Number(await this.el.getAttribute('data-draws'));
  }

  async points() {
    return Number(await this.el.getAttribute('data-points'));
  }

  /** Waits until data-draws >= n. Returns the count. */
  async waitForDraws(n = 1, timeout = 20_000) {
    await this.el.waitFor({ state: 'attached', timeout });
    const handle = await this.page.waitForFunction(
      ([sel, min]) => {
        const el = document.querySelector(sel);
        const d = Number(el?.getAttribute('data-draws'));
        return d >= min ? d : false;
      },
      [tid(`chart-${this.id}`), n],
      { timeout, polling: 50 },
    ).catch(async (e) => {
      throw new Error(`chart-${this.id}: data-draws never reached ${n} (now ${await this.el.getAttribute('data-draws')}): ${e.message.split('\n')[0]}`);
    });
    return Number(await handle.jsonValue());
  }

  /** Waits until data-draws stops changing for `quietMs`. Returns the final count. */
  async waitForQuiet(quietMs = 600, timeout = 20_000) {
    const deadline = Date.now() + timeout;
    let last = await this.draws();
    let since = Date.now();
    while (Date.now() < deadline) {
      await this.page.waitForTimeout(100);
      const now = await this.draws();
      if (now !== last) { last = now; since = Date.now(); } else if (Date.now() - since >= quietMs) return now;
    }
    throw new Error(`chart-${this.id} kept redrawing for ${timeout} ms`);
  }

  /**
   * Reads the canvas through getImageData (copied to a scratch canvas, so the app's own context and
   * transform are untouched). Returns { width, height, inked, hash }: inked counts pixels that differ
   * from the most common colour (the background); hash is an FNV-1a digest of all pixels.
   */
  async pixels() {
    return this.el.evaluate((el) => {
      const canvas = el.querySelector('canvas');
      if (!canvas) return { error: 'no <canvas> inside the chart container' };
      const { width, height } = canvas;
      if (!width || !height) return { error: `canvas is ${width}x${height}` };
      const scratch = document.createElement('canvas');
      scratch.width = width;
      scratch.height = height;
      const ctx = scratch.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(canvas, 0, 0);
      const data = new Uint32Array(ctx.getImageData(0, 0, width, height).data.buffer);
      const counts = new Map();
      let hash = 0x811c9dc5;
      for (let i = 0; i < data.length; i++) {
        const v = data[i];
        counts.set(v, (counts.get(v) || 0) + 1);
        hash = Math.imul(hash ^ v, 0x01000193) >>> 0;
      }
      let background = 0;
      let most = -1;
      for (const [v, n] of counts) if (n > most) { most = n; background = v; }
      return { width, height, inked: data.length - most, colours: counts.size, background, hash };
    });
  }
}
