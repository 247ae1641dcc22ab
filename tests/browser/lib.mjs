// Helpers for vertebro's browser tests: Debian Chromium driven by playwright-core,
// accessibility checks with axe-core, and a throwaway vertebro server on loopback.
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const execFileAsync = promisify(execFile);

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// Launches headless Debian Chromium. No network beyond what the page asks for.
export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

// A page in its own context (fresh cookies), as axe and the tests expect.
export async function newPage(browser) {
  const context = await browser.newContext();
  return context.newPage();
}

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'];

let axeSource = null;

// Runs axe-core on the page and returns the violations of impact serious or critical.
// axe is evaluated through the DevTools protocol rather than with page.addScriptTag:
// addScriptTag inserts an inline <script>, which vertebro's Content-Security-Policy
// (default-src 'self') blocks and reports as a console error. The page keeps its CSP.
export async function checkAxe(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
    await page.evaluate(axeSource);
  }
  const results = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }),
    AXE_TAGS,
  );
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

// axe on a page whose context has JavaScript turned off: there axe.run never settles (page
// timers do not run). So the page's current DOM, minus its scripts, is served at the same URL
// (same origin, so the same CSS loads) to scratchPage, a page in a context with JavaScript on
// that the caller owns and reuses, and axe runs there.
export async function checkAxeWithoutScripts(page, scratchPage) {
  const url = page.url();
  const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
  const matcher = (u) => u.href === url;
  const handler = (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
  await scratchPage.route(matcher, handler);
  try {
    await scratchPage.goto(url);
    return await checkAxe(scratchPage);
  } finally {
    await scratchPage.unroute(matcher, handler);
  }
}

// Formats axe violations for an assertion message.
export function describeViolations(violations) {
  return violations
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n` +
      v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary}`).join('\n'))
    .join('\n');
}

// Starts `binary serve` on a fresh demo database in a temporary directory, on a
// free loopback port, with `extraArgs` (['--secure-cookies'], say) added to serve's options and
// `demoArgs` (['--patients', '50']) to demo-data's. Resolves to { url, stop() }; url ends with '/'.
export async function startServer({ binary, staticDir, startTimeoutMs = 30000, extraArgs = [], demoArgs = [] }) {
  const dir = await mkdtemp(path.join(tmpdir(), 'vertebro-browser-'));
  const db = path.join(dir, 't.sqlite');
  try {
    await execFileAsync(binary, ['demo-data', '--db', db, ...demoArgs], { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`${binary} demo-data failed: ${err.message}\n${err.stderr || ''}`);
  }

  const child = spawn(
    binary,
    ['serve', '--db', db, '--port', '0', '--bind', '127.0.0.1', '--static-dir', staticDir, ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    if (stderr.length > 65536) stderr = stderr.slice(-65536);
  });

  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const url = await new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      reject(new Error(`server did not report its port within ${startTimeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, startTimeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const m = stdout.match(/listening on (http:\/\/127\.0\.0\.1:(\d+))/);
      if (m) {
        clearTimeout(timer);
        resolve(`${m[1]}/`);
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (code ${code}, signal ${signal})\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  }).catch(async (err) => {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  });
  // Keep draining stdout so the server never blocks on a full pipe.
  child.stdout.resume();

  let stopped = null;
  async function stop() {
    if (!stopped) {
      stopped = (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
          await exited;
          clearTimeout(timer);
        }
        await rm(dir, { recursive: true, force: true });
        return exited;
      })();
    }
    return stopped;
  }

  return { url, stop, stderr: () => stderr };
}
