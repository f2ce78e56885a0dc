// The daily check-in, as a person would do it: keyboard only on a bad day, with JavaScript off,
// and "same as yesterday".

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, signIn, DEMO, screenshotsDir } from './harness.mjs';
import { join } from 'node:path';

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

async function meAndDay(page) {
  const me = await (await page.request.get(`${server.url}/api/me`)).json();
  return me;
}

test('a bad-day check-in that changes only pain takes at most 10 key presses', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server.url, ...DEMO.patient);
  await page.goto(`${server.url}/check-in`);
  const day = await page.$eval('input[name=date]:checked, input[type=hidden][name=date]', (e) => e.value);
  if (process.env.UPDATE_SCREENSHOTS) {
    // The README's picture: the check-in as a phone shows it, before anything is chosen.
    await page.setViewportSize({ width: 420, height: 900 });
    await page.screenshot({ path: join(screenshotsDir, 'check-in.png'), fullPage: false });
    await page.setViewportSize({ width: 1280, height: 720 });
  }

  let presses = 0;
  const press = async (key) => { presses += 1; await page.keyboard.press(key); };
  // Focus starts on the pain scale; 0 wraps round to 10, so any value is at most 5 presses away.
  await press('ArrowLeft'); // 10
  await press('ArrowLeft'); // 9
  await press('ArrowLeft'); // 8
  await press('Tab'); // "Save now"
  await Promise.all([page.waitForURL(/\/\?saved=/), press('Enter')]);
  assert.ok(presses <= 10, `took ${presses} key presses`);

  const me = await meAndDay(page);
  const saved = await (await page.request.get(`${server.url}/api/patients/${me.id}/check-ins/${day}`)).json();
  assert.equal(saved.pain, 8);
  assert.equal(saved.fatigue, null, 'nothing but pain was recorded');
  assert.equal(saved.flare, null, 'no flare answer was invented');
  assert.match(await page.textContent('main'), /saved/i);
  await context.close();
});

test('a full check-in works with JavaScript off and shows in the diary', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, server.url, ...DEMO.patient);
  await page.goto(`${server.url}/check-in?date=2026-01-05`);
  await page.check('label[for=pain-6]');
  await page.check('label[for=fatigue-7]');
  await page.check('#flare-yes');
  await page.click('summary:has-text("Where it hurts")');
  await page.check('#region-neck');
  await page.check('#region-left_hip');
  await page.fill('#note', 'Walked to the shop and back.');
  await Promise.all([page.waitForURL(/\/\?saved=2026-01-05/), page.click('button[value=full]')]);
  const me = await meAndDay(page);
  const saved = await (await page.request.get(`${server.url}/api/patients/${me.id}/check-ins/2026-01-05`)).json();
  assert.equal(saved.pain, 6);
  assert.equal(saved.fatigue, 7);
  assert.equal(saved.flare, true);
  assert.deepEqual(saved.pain_regions, ['left_hip', 'neck']);
  assert.equal(saved.note, 'Walked to the shop and back.');
  await context.close();
});

test('a wrong value is shown beside its field and nothing is saved', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, server.url, ...DEMO.patient);
  await page.goto(`${server.url}/check-in?date=2026-01-06`);
  await page.check('label[for=pain-4]');
  await page.click('summary:has-text("Sleep last night")');
  await page.fill('#sleep_hours', '30');
  const response = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('button[value=full]')]);
  assert.equal(response[0].status(), 422);
  assert.match(await page.textContent('#sleep_hours-error'), /0 to 24/);
  assert.equal(await page.isChecked('#pain-4'), true, 'what the person entered is kept');
  const me = await meAndDay(page);
  const r = await page.request.get(`${server.url}/api/patients/${me.id}/check-ins/2026-01-06`);
  assert.equal(r.status(), 404);
  await context.close();
});

test('same as yesterday fills the form only when asked, and says so', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server.url, ...DEMO.patient);
  await page.goto(`${server.url}/check-in?date=2026-01-06`);
  assert.equal(await page.$$eval('input[type=radio][name=pain]:checked', (l) => l.length), 0, 'nothing is pre-filled silently');
  await page.click('text=Same as yesterday');
  assert.match(await page.textContent('.notice'), /Filled in from/);
  assert.equal(await page.isChecked('#pain-6'), true, 'yesterday (05/01) had pain 6');
  await context.close();
});
