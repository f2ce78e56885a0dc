// Questionnaires as a person fills them in: the ACR 2016 survey with the body map by mouse and by
// keyboard, a PHQ-9 whose item 9 shows crisis support before anything else, the clinician's alert,
// and axe-core on every questionnaire page.

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

async function me(page) {
  return (await page.request.get(`${server.url}/api/me`)).json();
}

async function stored(page, instrument) {
  const id = (await me(page)).id;
  return (await page.request.get(`${server.url}/api/patients/${id}/questionnaires?instrument=${instrument}`)).json();
}

/** Presses Tab until the focused element matches `selector` (at most 120 presses). */
async function tabTo(page, selector) {
  for (let i = 0; i < 120; i += 1) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Presses "Next" (or "Finish") and waits for the page it leads to. */
async function next(page) {
  await Promise.all([page.waitForNavigation(), page.click('button[value=next]')]);
}

test('the ACR 2016 survey can be completed with the body map by mouse', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server.url, 'priya', DEMO.patient[1]);
  const before = (await stored(page, 'acr2016')).length;
  await page.goto(`${server.url}/questionnaires/acr2016`);
  assert.match(await page.textContent('.progress'), /Part 1 of 4/);
  for (const region of ['neck', 'lower_back', 'left_shoulder_girdle', 'right_hip']) {
    await page.click(`svg path[data-region=${region}]`);
    await page.mouse.move(0, 0);
  }
  await next(page);
  assert.match(await page.textContent('.progress'), /Part 2 of 4/);
  for (const id of ['acr_fatigue-2', 'acr_waking_unrefreshed-3', 'acr_cognitive_symptoms-1']) await page.click(`label[for=${id}]`);
  await next(page);
  for (const id of ['acr_headaches-1', 'acr_lower_abdominal_pain_or_cramps-0', 'acr_depression-1']) await page.click(`label[for=${id}]`);
  await next(page);
  await page.click('label[for=acr_symptoms_at_least_3_months-1]');
  await next(page);
  assert.match(page.url(), /\/questionnaires\/acr2016\/result\//);
  assert.match(await page.textContent('main'), /not a diagnosis|do not meet/);
  const all = await stored(page, 'acr2016');
  assert.equal(all.length, before + 1);
  const latest = all[all.length - 1];
  const regions = latest.answers.filter((a) => a.item === 'acr_pain_map').map((a) => a.code).sort();
  assert.deepEqual(regions, ['left_shoulder_girdle', 'lower_back', 'neck', 'right_hip']);
  assert.equal(latest.result.wpi, 4);
  assert.equal(latest.result.sss, 8);
  await context.close();
});

test('the ACR 2016 survey can be completed by keyboard alone', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server.url, 'gareth', DEMO.patient[1]);
  const before = (await stored(page, 'acr2016')).length;
  await page.goto(`${server.url}/questionnaires/acr2016`);
  for (const region of ['neck', 'upper_back', 'left_hip']) {
    await tabTo(page, `#area-${region}`);
    await page.keyboard.press('Space');
  }
  await tabTo(page, 'button[value=next]');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  // Radio groups: Tab into a group, arrows choose.
  for (const item of ['acr_fatigue', 'acr_waking_unrefreshed', 'acr_cognitive_symptoms']) {
    await tabTo(page, `input[name=${item}]`);
    await page.keyboard.press('ArrowDown');
  }
  await tabTo(page, 'button[value=next]');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  for (const item of ['acr_headaches', 'acr_lower_abdominal_pain_or_cramps', 'acr_depression']) {
    await tabTo(page, `input[name=${item}]`);
    await page.keyboard.press('Space');
  }
  await tabTo(page, 'button[value=next]');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  await tabTo(page, 'input[name=acr_symptoms_at_least_3_months]');
  await page.keyboard.press('ArrowDown');
  await tabTo(page, 'button[value=next]');
  await Promise.all([page.waitForURL(/\/result\//), page.keyboard.press('Enter')]);
  const all = await stored(page, 'acr2016');
  assert.equal(all.length, before + 1);
  const regions = all[all.length - 1].answers.filter((a) => a.item === 'acr_pain_map').map((a) => a.code).sort();
  assert.deepEqual(regions, ['left_hip', 'neck', 'upper_back']);
  await context.close();
});

test('answers are kept when a person leaves half-way and comes back', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, server.url, 'gareth', DEMO.patient[1]);
  await page.goto(`${server.url}/questionnaires/gad7`);
  await page.click('label[for=gad7_1-2]');
  await page.click('label[for=gad7_2-1]');
  await Promise.all([page.waitForURL(/\/questionnaires\?saved=later/), page.click('button[value=later]')]);
  await page.goto(`${server.url}/`);
  await page.goto(`${server.url}/questionnaires/gad7`);
  assert.match(await page.textContent('.notice'), /answers so far/);
  assert.equal(await page.isChecked('#gad7_1-2'), true);
  assert.equal(await page.isChecked('#gad7_2-1'), true);
  // Finishing without every answer names each missing question and keeps the ones given.
  const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('button[value=next]')]);
  assert.equal(response.status(), 422);
  assert.match(await page.textContent('#gad7_3-error'), /choose an answer/);
  assert.equal(await page.isChecked('#gad7_1-2'), true);
  await context.close();
});

test('a PHQ-9 with item 9 answered shows crisis support first and alerts the care team', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server.url, ...DEMO.patient);
  await page.goto(`${server.url}/questionnaires/phq9`);
  for (let i = 1; i <= 8; i += 1) await page.click(`label[for=phq9_${i}-1]`);
  await page.click('label[for=phq9_9-1]');
  await next(page);
  // Before anything else on the next page: the crisis support, with 999 first and Samaritans.
  const first = await page.$eval('main', (m) => m.firstElementChild.className);
  assert.match(first, /crisis-first/);
  const crisis = await page.textContent('.crisis-first');
  assert.ok(crisis.indexOf('999') < crisis.indexOf('Samaritans'), crisis);
  assert.match(crisis, /116 123/);
  // It says only what painpath does: flagged to the care team, who may not see it today.
  assert.match(crisis, /flagged to your care team in painpath/);
  assert.match(crisis, /may not see it today/);
  assert.doesNotMatch(crisis, /will follow this up/);
  await page.click('label[for=phq9_difficulty-1]');
  await next(page);
  assert.match(page.url(), /\/questionnaires\/phq9\/result\//);
  const order = await page.$eval('main', (m) => {
    const kids = [...m.children].map((c) => c.className || c.tagName);
    return { crisis: kids.findIndex((k) => /crisis-first/.test(k)), score: kids.findIndex((k) => /score/.test(k)) };
  });
  assert.ok(order.crisis === 0 && order.score > order.crisis, JSON.stringify(order));
  await context.close();

  // The clinician sees the alert until they acknowledge it, and who and when are recorded.
  const clinic = await browser.newContext();
  const cp = await clinic.newPage();
  await signIn(cp, server.url, ...DEMO.clinician);
  await cp.goto(`${server.url}/alerts`);
  assert.match(await cp.textContent('main'), /Alex Morgan/);
  const alerts = await (await cp.request.get(`${server.url}/api/alerts`)).json();
  const alex = alerts.find((a) => a.patient_name === 'Alex Morgan');
  assert.ok(alex, JSON.stringify(alerts));
  // Acknowledging needs a note of what was done.
  await cp.fill(`#note-${alex.id}`, 'Phoned Alex; safe; plan agreed');
  await Promise.all([cp.waitForURL(/\/alerts\?acknowledged=1/), cp.click(`form[action="/alerts/${alex.id}/acknowledge"] button`)]);
  const after = await (await cp.request.get(`${server.url}/api/alerts`)).json();
  assert.equal(after.find((a) => a.id === alex.id), undefined);
  await clinic.close();
});

test('questionnaire pages have no WCAG 2.2 AA violations', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server.url, 'priya', DEMO.patient[1]);
  const check = async (path) => {
    await page.goto(`${server.url}${path}`);
    assert.deepEqual(await axeViolations(page), [], path);
  };
  for (const path of ['/questionnaires', '/questionnaires/acr2016', '/questionnaires/acr2016?part=2',
    '/questionnaires/phq9', '/questionnaires/phq9?part=2', '/questionnaires/gad7',
    '/questionnaires/phq9/history', '/questionnaires/gad7/history', '/questionnaires/acr2016/history']) {
    await check(path);
  }
  // A part with problems shown.
  await page.goto(`${server.url}/questionnaires/gad7`);
  await page.click('button[value=next]');
  assert.deepEqual(await axeViolations(page), []);
  // A result page (with the crisis support: Priya's demo PHQ-9 has item 9 answered).
  const all = await stored(page, 'phq9');
  await check(`/questionnaires/phq9/result/${all[all.length - 1].id}`);
  await context.close();

  const clinic = await browser.newContext();
  const cp = await clinic.newPage();
  await signIn(cp, server.url, ...DEMO.clinician);
  await cp.goto(`${server.url}/alerts`);
  assert.deepEqual(await axeViolations(cp), [], '/alerts');
  await cp.goto(`${server.url}/patients`);
  await cp.click('a[href^="/patients/"]');
  assert.deepEqual(await axeViolations(cp), [], 'patient page with questionnaires');
  await cp.click('a[href*="/questionnaires/phq9"]');
  assert.deepEqual(await axeViolations(cp), [], 'a patient\'s PHQ-9 history');
  await clinic.close();
});
