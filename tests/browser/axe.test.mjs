// axe-core on every page painpath serves, as each kind of person sees it, in both themes.
// A page that shows health data and is missing here is a gap in this list: add it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, signIn, axeViolations, DEMO } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ demo: true });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function check(page, path) {
  await page.goto(`${server.url}${path}`);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${path}: ${JSON.stringify(violations, null, 2)}`);
}

test('pages for someone not signed in have no WCAG 2.2 AA violations', async () => {
  const page = await browser.newPage();
  for (const path of ['/', '/sign-in', '/recover', '/help', '/no-such-page', '/patients/not-a-number']) await check(page, path);
  // A recovery attempt with problems shown beside their fields.
  await page.goto(`${server.url}/recover`);
  await page.fill('#username', 'alex');
  await page.fill('#code', 'x');
  await page.fill('#password', 'short');
  await page.fill('#confirm', 'short');
  await page.click('button[type=submit]');
  assert.deepEqual(await axeViolations(page), [], '/recover with problems');
  // A failed sign-in shows an error message.
  await page.goto(`${server.url}/sign-in`);
  await page.fill('#username', 'alex');
  await page.fill('#password', 'wrong password');
  await page.click('button[type=submit]');
  assert.deepEqual(await axeViolations(page), []);
  await page.close();
});

test('patient pages have no WCAG 2.2 AA violations, in both themes', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server.url, ...DEMO.patient);
  const paths = ['/', '/check-in', '/check-in?date=2026-01-01&copy=yesterday', '/diary', '/treatments', '/details', '/settings', '/settings/access', '/help'];
  for (const path of paths) await check(page, path);
  // The form with problems shown.
  await page.goto(`${server.url}/check-in`);
  await page.click('button[value=full]');
  assert.deepEqual(await axeViolations(page), []);
  // Low-glare theme and larger text.
  await page.goto(`${server.url}/settings`);
  await page.check('#low_glare');
  await page.check('#large_text');
  await page.click('text=Save display settings');
  for (const path of paths) await check(page, path);
  await context.close();
});

test('clinician pages, including an invitation link, have no WCAG 2.2 AA violations', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server.url, ...DEMO.clinician);
  for (const path of ['/', '/patients', '/alerts', '/duty', '/settings']) await check(page, path);
  await page.goto(`${server.url}/patients`);
  await page.click('a[href^="/patients/"]');
  assert.deepEqual(await axeViolations(page), []);
  await page.goto(`${server.url}/patients`);
  await page.click('text=Make an invitation link');
  assert.deepEqual(await axeViolations(page), []);
  const link = (await page.textContent('code.token')).trim();
  const visitor = await browser.newPage();
  await visitor.goto(link);
  assert.deepEqual(await axeViolations(visitor), []);
  // The new patient's recovery codes, shown once.
  await visitor.fill('#display_name', 'Nia Newcomer');
  await visitor.fill('#username', 'nia.axe');
  await visitor.fill('#password', 'three random words');
  await visitor.fill('#confirm', 'three random words');
  await Promise.all([visitor.waitForNavigation(), visitor.click('button[type=submit]')]);
  assert.match(await visitor.textContent('h1'), /Your recovery codes/);
  assert.equal(await visitor.locator('ol.codes li').count(), 8);
  assert.deepEqual(await axeViolations(visitor), [], 'the recovery codes page');
  await visitor.close();
  await context.close();
});

test('admin pages have no WCAG 2.2 AA violations', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server.url, ...DEMO.admin);
  for (const path of ['/', '/admin', '/admin/audit', '/settings']) await check(page, path);
  await context.close();
});
