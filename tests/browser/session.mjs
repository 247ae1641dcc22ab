// The browser tests' signed-in sessions: one Chromium context each, with console-error
// collection and a per-page check (axe, console, NHS.UK styling, full-page screenshot).
// Call configureSessions() once the server and browser are up.
import assert from 'node:assert/strict';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { checkAxe, checkAxeWithoutScripts, describeViolations, launchBrowser, startServer } from './lib.mjs';

// Generous: the same tests run against sanitizer builds, where the server is several times slower.
export const ACTION_TIMEOUT_MS = 60_000;
export const USER_PASSWORD = 'vertebro-demo';

// Whether check() runs axe and keeps a screenshot of each page (see check()).
const PAGE_AUDIT = process.env.VERTEBRO_PAGE_AUDIT !== '0';
// VERTEBRO_PAGE_SCREENSHOTS=0 leaves out the screenshots alone (scripts/test: nobody looks at a
// CI run's pictures, and they are a third of the page audit's time); axe still runs.
const SCREENSHOTS = PAGE_AUDIT && process.env.VERTEBRO_PAGE_SCREENSHOTS !== '0';

const harness = { browser: null, serverUrl: '', screenshots: '', prefix: '', shots: 0 };

export function configureSessions({ browser, serverUrl, screenshots, prefix }) {
  Object.assign(harness, { browser, serverUrl, screenshots, prefix, shots: 0 });
}

// For a test file's before(): a vertebro server on a fresh demonstration database and a
// browser, from VERTEBRO_BINARY, VERTEBRO_STATIC_DIR and VERTEBRO_SCREENSHOTS; removes this
// file's old screenshots (those named `prefix`-*.png). `extraArgs` go to `vertebro serve`.
// The database holds the demonstration's 50 patients with their stories (every pathway state,
// overrides, recalls), quick to make; `{ cohort: true }` makes the full demonstration data
// instead, with the ninety earlier patients the audit report counts (about 4x as long).
// Returns { server, browser }.
export async function startHarness(prefix, extraArgs = [], { cohort = false } = {}) {
  const binary = process.env.VERTEBRO_BINARY;
  const staticDir = process.env.VERTEBRO_STATIC_DIR;
  const screenshots = process.env.VERTEBRO_SCREENSHOTS || path.resolve('browser-screenshots');
  assert.ok(binary, 'set VERTEBRO_BINARY to the vertebro executable');
  assert.ok(staticDir, 'set VERTEBRO_STATIC_DIR to the built web assets');
  await mkdir(screenshots, { recursive: true });
  for (const f of await readdir(screenshots)) {
    if (f.startsWith(`${prefix}-`) && f.endsWith('.png')) await rm(path.join(screenshots, f));
  }
  const demoArgs = cohort ? [] : ['--patients', '50'];
  const server = await startServer({ binary, staticDir, startTimeoutMs: 120_000, extraArgs, demoArgs });
  const browser = await launchBrowser();
  configureSessions({ browser, serverUrl: server.url, screenshots, prefix });
  return { server, browser };
}

// For after(): closes the browser and stops the server. A crash (or a sanitizer report) at
// shutdown is a failure too.
export async function stopHarness({ server, browser }) {
  await browser?.close();
  if (server) {
    const { code, signal } = await server.stop();
    assert.ok(code === 0 || signal === 'SIGTERM' || code === 143,
      `server exit: code ${code}, signal ${signal}\n${server.stderr()}`);
  }
}

// NHS number check digit (modulus 11); -1 when the nine digits have no valid check digit.
function checkDigit(nine) {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nine[i]) * (10 - i);
  const c = 11 - (sum % 11);
  if (c === 11) return 0;
  return c === 10 ? -1 : c;
}

export function validNhs(nine) {
  const c = checkDigit(nine);
  assert.ok(c >= 0, `${nine} has no valid check digit`);
  return nine + c;
}

export const formatNhs = (n) => `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;

export const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// One browser context with its own cookies, plus console-error collection and a per-page
// check that runs axe and takes a screenshot.
export class Session {
  constructor(label, context, page) {
    this.label = label;
    this.context = context;
    this.page = page;
    this.consoleErrors = [];
    // Main-document URLs we navigated to expecting an error status (e.g. 422 for a form with
    // errors); Chromium logs "Failed to load resource" for those, which is not a page fault.
    this.expectedErrorDocs = new Set();
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      this.consoleErrors.push({ on: page.url(), text: msg.text(), where: msg.location()?.url || '' });
    });
    page.on('pageerror', (err) => this.consoleErrors.push({ on: page.url(), text: `page error: ${err.message}` }));
    // A navigation cancels the loads still in flight on the page it leaves (the favicon, often):
    // Chromium reports those as net::ERR_ABORTED, which is not a fault of the page. A resource
    // the server refuses still shows as a console error ("Failed to load resource").
    page.on('requestfailed', (req) => {
      const reason = req.failure()?.errorText ?? '';
      if (reason === 'net::ERR_ABORTED') return;
      this.consoleErrors.push({ on: page.url(), text: `request failed: ${req.url()} ${reason}` });
    });
  }

  static async open(label, options = {}) {
    const context = await harness.browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
    const page = await context.newPage();
    const session = new Session(label, context, page);
    session.scripted = options.javaScriptEnabled !== false;
    return session;
  }

  url(p) {
    return new URL(p, harness.serverUrl).href;
  }

  // Navigates by typing a URL; returns the main response.
  async goto(p, expectedStatus = 200) {
    const res = await this.page.goto(this.url(p));
    return this.checkStatus(res, expectedStatus);
  }

  // Runs an action that navigates (a link click or a form submission) and waits for the new page.
  async navigate(action, expectedStatus = 200) {
    const [res] = await Promise.all([this.page.waitForNavigation({ waitUntil: 'load' }), action()]);
    return this.checkStatus(res, expectedStatus);
  }

  checkStatus(res, expectedStatus) {
    assert.ok(res, `no response for ${this.page.url()}`);
    if (expectedStatus >= 400) this.expectedErrorDocs.add(res.url());
    assert.equal(res.status(), expectedStatus, `HTTP status of ${res.url()}`);
    return res;
  }

  // Checks the page that is showing: axe, console, screenshot. Call once per page visited.
  // VERTEBRO_PAGE_AUDIT=0 (the asan preset) leaves out axe and the screenshot: both depend only
  // on the HTML and CSS, which every build serves alike, and the dev preset's run does them.
  async check(name) {
    const { page } = this;
    await page.waitForLoadState('load');
    harness.shots += 1;
    if (PAGE_AUDIT) {
      const file = path.join(harness.screenshots,
        `${harness.prefix}-${String(harness.shots).padStart(2, '0')}-${this.label}-${name}.png`);
      const t0 = Date.now();
      if (SCREENSHOTS) await page.screenshot({ path: file, fullPage: true });
      const t1 = Date.now();
      const violations = await withTimeout(
        this.scripted ? checkAxe(page) : this.checkAxeOfScriptlessPage(), ACTION_TIMEOUT_MS, `axe on ${name}`);
      console.log(`${path.basename(file)}: screenshot ${t1 - t0} ms, axe ${Date.now() - t1} ms`);
      assert.equal(violations.length, 0,
        `axe found serious or critical violations on ${name} (${page.url()}):\n${describeViolations(violations)}`);
    }
    this.assertNoConsoleErrors(name);
    // The stylesheet is applied: the NHS.UK header is blue, not an unstyled list.
    const headerBg = await page.locator('header.nhsuk-header').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(headerBg, 'rgb(0, 94, 184)', `header of ${name} is not NHS blue; is the CSS loaded?`);
  }

  // axe cannot run where JavaScript is off; it checks a copy of the page in a scripted context.
  async checkAxeOfScriptlessPage() {
    if (!this.scratch) {
      const context = await harness.browser.newContext({ viewport: this.page.viewportSize() ?? undefined });
      context.setDefaultTimeout(ACTION_TIMEOUT_MS);
      this.scratch = await context.newPage();
    }
    return checkAxeWithoutScripts(this.page, this.scratch);
  }

  assertNoConsoleErrors(name) {
    const errors = this.consoleErrors
      .filter((e) => !(/^Failed to load resource: the server responded with a status of 4\d\d/.test(e.text) &&
                       this.expectedErrorDocs.has(e.where)))
      .map((e) => `on ${e.on}: ${e.text}${e.where ? ` (${e.where})` : ''}`);
    this.consoleErrors = [];
    assert.deepEqual(errors, [], `console errors by ${name}`);
  }

  async heading() {
    const h1 = this.page.locator('main h1');
    return (await h1.count()) ? (await h1.first().innerText()).trim() : '';
  }

  async expectHeading(text) {
    const h1 = await this.heading();
    if (h1 !== text) {
      const body = (await this.page.locator('body').innerText()).slice(0, 2000);
      assert.equal(h1, text, `h1 of ${this.page.url()}; the page says:\n${body}`);
    }
  }

  async signIn(username) {
    const { page } = this;
    await page.getByLabel('User name').fill(username);
    await page.getByLabel('Password').fill(USER_PASSWORD);
    await this.navigate(() => page.getByRole('button', { name: 'Sign in' }).click());
  }

  // Keeps a screenshot of the page a failure happened on.
  async failureShot() {
    try {
      await this.page.screenshot({ path: path.join(harness.screenshots, `${harness.prefix}-failure-${this.label}.png`), fullPage: true });
    } catch {
      // The page may be gone; the assertion message says what went wrong.
    }
  }

  async close() {
    await this.scratch?.context().close();
    await this.context.close();
  }
}

export async function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function assertVisibleText(locator, text) {
  const first = locator.first();
  await first.waitFor({ state: 'visible' });
  const shown = await first.innerText();
  assert.match(shown, new RegExp(escapeRe(text)), `"${text}" is shown`);
}
