// Shared pieces of the browser tests: start the real `painpath` binary on a free port with a
// fresh data folder, start Debian's Chromium, sign in, and run axe-core on a page.
//
// Nothing here skips: a missing binary, Chromium or axe-core is a failure with the fix in the
// message, because a skipped test can never fail.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export const CHROMIUM = process.env.PAINPATH_CHROMIUM || '/usr/bin/chromium';

function binary() {
  const bin = process.env.PAINPATH_BIN;
  if (!bin || !existsSync(bin)) {
    throw new Error(`PAINPATH_BIN must name the built painpath binary (got ${bin}); run the tests with scripts/test-all`);
  }
  return bin;
}

/** Starts `painpath serve` with a fresh data folder and resolves once it prints its address. */
export async function startServer({ demo = true } = {}) {
  const data = mkdtempSync(join(tmpdir(), 'painpath-browser-'));
  const args = ['serve', '--data', data, '--addr', '127.0.0.1:0'];
  if (demo) args.push('--demo');
  const child = spawn(binary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`painpath did not start within 60 s:\n${stderr}`)), 60000);
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      let i;
      while ((i = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        lines.push(line);
        const m = /^listening on (http:\/\/\S+)$/.exec(line);
        if (m && lines.length === 1) { clearTimeout(timer); resolve(m[1]); }
      }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`painpath exited with ${code}:\n${stderr}`)); });
  });
  // Let the rest of the start-up text (demo logins) arrive.
  await new Promise((r) => setTimeout(r, 200));
  return {
    url,
    lines,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless, with the flags this machine needs and a fresh profile. */
export async function startBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not at ${CHROMIUM}: install it with "apt-get install -y chromium chromium-driver"`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** Signs in through the real form. */
export async function signIn(page, url, username, password) {
  await page.goto(`${url}/sign-in`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/sign-in')), page.click('button[type=submit]')]);
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core for WCAG 2.0, 2.1 and 2.2 A and AA; returns the violations, summarised. */
export async function axeViolations(page) {
  // Evaluated through the DevTools protocol, so the page's strict CSP (no inline scripts) stays on.
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  return result;
}

export const DEMO = {
  admin: ['admin', 'demo-admin-password'],
  clinician: ['dr.okafor', 'demo-clinician-password'],
  patient: ['alex', 'demo-patient-password'],
};

export const screenshotsDir = join(here, '..', '..', 'docs', 'screenshots');
