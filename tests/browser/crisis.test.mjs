// Issue 6, section 2, in a real browser: the help page names every nation's line when the nation
// is not known and gives the overdose advice and the routes without a voice call inside 999; a
// severe GAD-7's result says what to do next; a medicine's "Stopped …?" form warns not to stop
// suddenly; and axe-core finds nothing on any of them, in both themes.

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

test('the help page labels every national line and puts the overdose advice and the routes without a voice call inside 999', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/help`);
  const headings = await page.$$eval('.crisis h3', (hs) => hs.map((h) => h.textContent.trim()));
  assert.equal(headings[0], '999 or A&E');
  for (const label of ['England: NHS 111 mental health option', 'Scotland: NHS 24 Mental Health Hub',
    'Wales: NHS 111 Wales mental health support', 'Northern Ireland: Lifeline']) {
    assert.ok(headings.includes(label), `${label} in ${JSON.stringify(headings)}`);
  }
  const emergency = await page.textContent('.service.emergency');
  assert.match(emergency, /If you have taken an overdose, even if you feel well, call 999 or go to A&E\./);
  assert.match(emergency, /If you cannot use a voice call/);
  assert.match(emergency, /999 BSL/);
  assert.equal(await page.getAttribute('.service.emergency a[href="tel:18000"]', 'href'), 'tel:18000');
  assert.equal(await page.getAttribute('.service.emergency a[href="sms:999"]', 'href'), 'sms:999');
  assert.match(await page.textContent('main'), /checked against each service's information (on|between) \d\d\/\d\d\/\d{4}/);
  assert.deepEqual(await axeViolations(page), []);
  await page.close();
});

test('a severe GAD-7 says to contact the GP soon, a medicine stop form warns, and both pass axe in both themes', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server.url, ...DEMO.patient);
  await page.goto(`${server.url}/questionnaires/gad7`);
  for (let i = 1; i <= 7; i += 1) await page.click(`label[for=gad7_${i}-3]`);
  for (let step = 0; step < 4 && !/\/result\//.test(page.url()); step += 1) {
    await Promise.all([page.waitForNavigation(), page.click('button[value=next]')]);
  }
  assert.match(page.url(), /\/questionnaires\/gad7\/result\//);
  const result = page.url();
  const follow = await page.textContent('.follow-up');
  assert.match(follow, /contact your GP in the next few days/);
  assert.equal(await page.getAttribute('.follow-up a[href="/help"]', 'href'), '/help');

  // A medicine to stop: the warning sits in its "Stopped …?" form, tied to the button.
  const me = await (await page.request.get(`${server.url}/api/me`)).json();
  await page.goto(`${server.url}/treatments`);
  await page.selectOption('#what', 'treatment:duloxetine');
  await page.fill('#start', '01/10/2026');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/treatments"] button[type=submit]')]);
  const periods = await (await page.request.get(`${server.url}/api/patients/${me.id}/treatment-periods`)).json();
  const duloxetine = periods.find((p) => p.treatment === 'duloxetine' && !p.end);
  assert.ok(duloxetine, JSON.stringify(periods));
  await page.click(`li.period:has(#end-${duloxetine.id}) summary`);
  const note = `#stop-note-${duloxetine.id}`;
  assert.equal(await page.textContent(note), 'If you still take this, do not stop suddenly: talk to your prescriber or pharmacist.');
  assert.equal(await page.isVisible(note), true);

  const check = async (what) => assert.deepEqual(await axeViolations(page), [], what);
  await check('/treatments with a medicine\'s stop form open');
  await page.goto(result);
  await check('a severe GAD-7 result');
  // Low-glare theme and larger text.
  await page.goto(`${server.url}/settings`);
  await page.check('#low_glare');
  await page.check('#large_text');
  await page.click('text=Save display settings');
  await page.goto(result);
  await check('a severe GAD-7 result, low glare');
  await page.goto(`${server.url}/treatments`);
  await page.click(`li.period:has(#end-${duloxetine.id}) summary`);
  await check('/treatments, low glare');
  await page.goto(`${server.url}/help`);
  await check('/help, low glare');
  await context.close();
});
