// A self-harm signal never lands with nobody (issue 6): an administrator deactivates the only
// clinician of a patient, the patient answers PHQ-9 item 9 with 3, is told the truth about who
// will see it, and another clinician finds it on the duty list from the menu, with what they need
// to act, and acknowledges it with a note, by keyboard. axe-core checks every page on the way.

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

async function next(page) {
  await Promise.all([page.waitForNavigation(), page.click('button[value=next]')]);
}

test('a patient whose clinician was deactivated answers item 9, and the duty list shows it to another clinician', async () => {
  // The admin deactivates Dr Chris Lee, Siobhan's only clinician, and is told one patient lost theirs.
  const admin = await browser.newContext();
  const ap = await admin.newPage();
  await signIn(ap, server.url, ...DEMO.admin);
  await ap.goto(`${server.url}/admin`);
  const row = ap.locator('tr', { hasText: 'Dr Chris Lee' });
  await Promise.all([ap.waitForURL(/deactivated=/), row.locator('button', { hasText: 'Deactivate' }).click()]);
  const notice = await ap.textContent('.notice');
  assert.match(notice, /Dr Chris Lee is deactivated/);
  assert.match(notice, /1 patient now has no active clinician/);
  assert.doesNotMatch(notice, /PHQ|self-harm|item 9/, 'no health detail for the admin');
  assert.match(await ap.textContent('main'), /Patients with no active clinician[\s\S]*Siobhan Kelly/);
  assert.deepEqual(await axeViolations(ap), [], '/admin after deactivating');
  await admin.close();

  // Siobhan answers item 9 with 3 ("nearly every day").
  const patient = await browser.newContext();
  const pp = await patient.newPage();
  await signIn(pp, server.url, 'siobhan', DEMO.patient[1]);
  await pp.goto(`${server.url}/questionnaires/phq9`);
  for (let i = 1; i <= 8; i += 1) await pp.click(`label[for=phq9_${i}-1]`);
  await pp.click('label[for=phq9_9-3]');
  await next(pp);
  const crisis = await pp.textContent('.crisis-first');
  assert.match(crisis, /999/);
  assert.match(crisis, /Lifeline/, 'Northern Ireland gets Lifeline');
  assert.match(crisis, /flagged to the clinic's duty list/);
  assert.doesNotMatch(crisis, /Your care team has been told|will follow this up/);
  assert.deepEqual(await axeViolations(pp), [], 'the next part, with crisis support first');
  await patient.close();

  // Dr Ada Okafor, never Siobhan's clinician, sees the count in the menu and the alert on the list.
  const clinic = await browser.newContext();
  const cp = await clinic.newPage();
  await signIn(cp, server.url, ...DEMO.clinician);
  const menu = await cp.textContent('nav a[href="/duty"]');
  assert.match(menu, /Duty list\s*2/, `Gareth (his clinician left) and Siobhan: ${menu}`);
  assert.match(await cp.textContent('main'), /2 alerts on the clinic's duty list/);
  await cp.click('nav a[href="/duty"]');
  const card = cp.locator('article.alert-card', { hasText: 'Siobhan Kelly' });
  const text = await card.textContent();
  assert.match(text, /no active clinician is linked to this patient/);
  assert.match(text, /Worst answer\s*3 \(nearly every day\)/);
  assert.match(text, /07700 900401/, 'her phone number');
  assert.match(text, /Niamh Kelly \(mother\), 07700 900402/, 'her emergency contact');
  assert.match(text, /Dr Chris Lee \(no longer active\)/);
  assert.equal(await card.locator('a[href^="/patients/"]').count(), 0, 'not her clinician: no link into her record');
  assert.deepEqual(await axeViolations(cp), [], '/duty');

  // Acknowledging needs a note; by keyboard alone: focus the note, type, Tab to the button, Enter.
  const id = (await card.getAttribute('aria-labelledby')).match(/alert-(\d+)-title/)[1];
  await cp.focus(`#note-${id}`);
  await cp.keyboard.type('Phoned Siobhan; safe with her mother; GP told.');
  await cp.keyboard.press('Tab');
  assert.equal(await cp.evaluate(() => document.activeElement.textContent.trim()), 'Acknowledge the alert for Siobhan Kelly');
  await Promise.all([cp.waitForURL(/\/duty\?acknowledged=1/), cp.keyboard.press('Enter')]);
  assert.equal(await cp.locator('article.alert-card', { hasText: 'Siobhan Kelly' }).count(), 0);
  assert.match(await cp.textContent('nav a[href="/duty"]'), /Duty list\s*1/);
  const duty = await (await cp.request.get(`${server.url}/api/duty`)).json();
  assert.equal(duty.filter((d) => d.alert.patient_name === 'Siobhan Kelly').length, 0, JSON.stringify(duty));
  assert.ok(duty.some((d) => d.alert.patient_name === 'Gareth Evans' && d.reasons.includes('no_active_clinician')));
  await clinic.close();
});
