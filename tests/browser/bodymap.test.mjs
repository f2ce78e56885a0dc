// The body map on the check-in ("Where it hurts"): choosing areas by mouse, by touch and by
// keyboard alone, with JavaScript off and with styles off, in both themes. What was chosen is
// checked through the API, so the test sees what the clinician will see.

import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, signIn, axeViolations, DEMO } from './harness.mjs';

const DAY = '2026-02-10';
// The 19 areas in the order of the ACR 2016 form: left upper, right upper, left lower, right
// lower, then the middle of the body. The checkboxes come in this order (the front view's, then
// the back view's two).
const ORDER = [
  'left_jaw', 'left_shoulder_girdle', 'left_upper_arm', 'left_lower_arm',
  'right_jaw', 'right_shoulder_girdle', 'right_upper_arm', 'right_lower_arm',
  'left_hip', 'left_upper_leg', 'left_lower_leg',
  'right_hip', 'right_upper_leg', 'right_lower_leg',
  'neck', 'chest', 'abdomen', 'upper_back', 'lower_back',
];

// A fresh server for each test, so each starts from an empty day.
let server;
let browser;

beforeEach(async () => {
  server = await startServer({ demo: true });
  browser = await startBrowser();
});

afterEach(async () => {
  await browser?.close();
  await server?.stop();
});

async function openMap(page) {
  await page.goto(`${server.url}/check-in?date=${DAY}`);
  await page.click('summary:has-text("Where it hurts")');
}

async function save(page) {
  await Promise.all([page.waitForURL(new RegExp(`/\\?saved=${DAY}`)), page.click('button[value=full]')]);
}

async function savedRegions(page) {
  const me = await (await page.request.get(`${server.url}/api/me`)).json();
  const r = await page.request.get(`${server.url}/api/patients/${me.id}/check-ins/${DAY}`);
  assert.equal(r.status(), 200);
  return (await r.json()).pain_regions;
}

const sorted = (list) => [...list].sort();

/** The names shown under the map as chosen. */
async function chipsShown(page) {
  return page.$$eval('.bodymap-chips li', (items) => items
    .filter((li) => getComputedStyle(li).display !== 'none')
    .map((li) => li.textContent.trim()));
}

test('areas chosen with the mouse on both views are saved exactly', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, server.url, ...DEMO.patient);
  await openMap(page);
  assert.equal(await page.isVisible('.bodymap-drawing'), true, 'the drawing is shown');
  assert.match(await page.textContent('fieldset.bodymap'), /Left and right are your left and right/);
  assert.equal((await page.textContent('fieldset.bodymap legend')).trim(), 'Where did it hurt? Choose every area that applies');

  await page.click('.bodymap-front path[data-region=neck]');
  await page.click('.bodymap-front path[data-region=left_shoulder_girdle]');
  await page.click('.bodymap-front path[data-region=right_jaw]');
  await page.click('.bodymap-back path[data-region=lower_back]');
  await page.click('.bodymap-back path[data-region=right_hip]');
  // A second click takes an area off again, from either view.
  await page.click('.bodymap-front path[data-region=abdomen]');
  await page.click('.bodymap-front path[data-region=abdomen]');
  await page.click('.bodymap-front path[data-region=right_jaw]');
  // By position: the middle of the upper back, and a click beside the figure, which is nothing.
  const back = await page.locator('.bodymap-back path[data-region=upper_back]').boundingBox();
  await page.mouse.click(back.x + back.width / 2, back.y + back.height / 2);
  const figure = await page.locator('.bodymap-back .bodymap-figure').boundingBox();
  await page.mouse.click(figure.x + 3, figure.y + 3);

  const chosen = ['neck', 'left_shoulder_girdle', 'lower_back', 'right_hip', 'upper_back'];
  const checked = await page.$$eval('input[name=pain_regions]:checked', (l) => l.map((e) => e.value));
  assert.deepEqual(sorted(checked), sorted(chosen));
  // The chosen areas are drawn as chosen on both views, and the others are not.
  const fill = (view, code) => page.$eval(`.bodymap-${view} path[data-region=${code}]`, (p) => getComputedStyle(p).fill);
  const plain = await fill('front', 'chest');
  assert.notEqual(await fill('front', 'neck'), plain);
  assert.equal(await fill('back', 'neck'), await fill('front', 'neck'));
  assert.equal(await fill('back', 'left_shoulder_girdle'), await fill('front', 'neck'));
  assert.equal(await fill('front', 'right_hip'), await fill('front', 'neck'), 'chosen on the back, shown on the front');
  assert.equal(await fill('front', 'abdomen'), plain);
  // And in words under the map, in the form's order.
  assert.deepEqual(await chipsShown(page), ['Left shoulder', 'Right hip or buttock', 'Neck', 'Upper back', 'Lower back']);

  await save(page);
  assert.deepEqual(sorted(await savedRegions(page)), sorted(chosen));
  // Coming back, the map shows what was saved.
  await page.goto(`${server.url}/check-in?date=${DAY}`);
  assert.equal(await page.$eval('fieldset.bodymap', (f) => f.closest('details').open), true);
  assert.deepEqual(await chipsShown(page), ['Left shoulder', 'Right hip or buttock', 'Neck', 'Upper back', 'Lower back']);
  await page.close();
});

test('on a phone the views are stacked, and a tap on the back view does not move the page', async () => {
  const context = await browser.newContext({ viewport: { width: 420, height: 800 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  await signIn(page, server.url, ...DEMO.patient);
  await openMap(page);
  const front = await page.locator('.bodymap-front .bodymap-figure').boundingBox();
  const back = await page.locator('.bodymap-back .bodymap-figure').boundingBox();
  assert.ok(back.y >= front.y + front.height, 'the back view is below the front view');
  assert.ok(front.width >= 250, `the figure is ${front.width}px wide`);
  // The smallest areas are still at least 24 px across (WCAG 2.5.8).
  for (const code of ['left_jaw', 'neck', 'left_lower_leg', 'left_upper_arm']) {
    const box = await page.locator(`.bodymap-front path[data-region=${code}]`).boundingBox();
    assert.ok(box.width >= 24 && box.height >= 24, `${code} is ${box.width} x ${box.height}`);
  }
  // The shoulder's checkbox sits on the front view, far above; tapping the shoulder on the back
  // view must not scroll up to it.
  for (const code of ['left_shoulder_girdle', 'right_upper_leg', 'lower_back']) {
    const path = page.locator(`.bodymap-back path[data-region=${code}]`);
    await path.evaluate((e) => e.scrollIntoView({ block: 'center' }));
    const box = await path.boundingBox();
    const before = await page.evaluate(() => window.scrollY);
    await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2 + 8);
    await page.waitForTimeout(100);
    assert.equal(await page.evaluate(() => window.scrollY), before, `tapping ${code} moved the page`);
    assert.equal(await page.isChecked(`#region-${code}`), true, `${code} was chosen`);
  }
  await save(page);
  assert.deepEqual(sorted(await savedRegions(page)), sorted(['left_shoulder_girdle', 'right_upper_leg', 'lower_back']));
  await context.close();
});

test('with the keyboard alone: Tab reaches every area in order, Space chooses, the focus shows on the map', async () => {
  const page = await browser.newPage({ viewport: { width: 420, height: 800 } });
  await signIn(page, server.url, ...DEMO.patient);
  await page.goto(`${server.url}/check-in?date=${DAY}`);
  // Focus starts on the pain scale.
  await page.keyboard.press('ArrowRight');
  const active = () => page.evaluate(() => {
    const e = document.activeElement;
    return e.tagName === 'SUMMARY' ? `summary:${e.textContent.trim()}` : e.id;
  });
  let presses = 0;
  while ((await active()) !== 'summary:Where it hurts') {
    await page.keyboard.press('Tab');
    presses += 1;
    assert.ok(presses < 40, 'Tab never reached "Where it hurts"');
  }
  await page.keyboard.press('Enter');

  const want = new Set(['right_jaw', 'left_upper_arm', 'neck', 'right_lower_leg', 'lower_back']);
  const visited = [];
  for (const code of ORDER) {
    await page.keyboard.press('Tab');
    assert.equal(await active(), `region-${code}`);
    visited.push(code);
    // The focused area is outlined on the map and scrolled into view, and its name is shown.
    const shape = page.locator(`.bodymap-${code.endsWith('_back') ? 'back' : 'front'} path[data-region=${code}]`);
    const ring = await shape.evaluate((p) => getComputedStyle(p.closest('svg')).filter);
    assert.match(ring, /drop-shadow/, `${code} shows the focus`);
    assert.equal(await shape.evaluate((p) => getComputedStyle(p).strokeWidth), '4px');
    const box = await shape.boundingBox();
    assert.ok(box.y + box.height > 0 && box.y < 800, `${code} is on screen when focused (y ${box.y})`);
    const name = (await page.textContent(`.bodymap-inputs label[for=region-${code}]`)).trim();
    assert.ok((await chipsShown(page)).includes(name), `${name} is shown under the map`);
    if (want.has(code)) await page.keyboard.press('Space');
  }
  assert.deepEqual(visited, ORDER);
  // Space again takes an area off.
  await page.keyboard.press('Shift+Tab');
  assert.equal(await active(), 'region-upper_back');
  await page.keyboard.press('Space');
  await page.keyboard.press('Space');

  presses = 0;
  while ((await page.evaluate(() => document.activeElement.value)) !== 'full') {
    await page.keyboard.press('Tab');
    presses += 1;
    assert.ok(presses < 40, 'Tab never reached "Save check-in"');
  }
  await Promise.all([page.waitForURL(new RegExp(`/\\?saved=${DAY}`)), page.keyboard.press('Enter')]);
  assert.deepEqual(sorted(await savedRegions(page)), sorted([...want]));
  await page.close();
});

test('with JavaScript off the map works by mouse and by its checkboxes', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 420, height: 900 } });
  const page = await context.newPage();
  await signIn(page, server.url, ...DEMO.patient);
  await openMap(page);
  await page.click('.bodymap-front path[data-region=chest]');
  await page.click('.bodymap-back path[data-region=left_lower_leg]');
  // While the pointer is over the drawing the checkboxes are fixed to the top of the screen (so
  // that a tap never scrolls the page); move it off before aiming at a checkbox itself.
  await page.mouse.move(0, 0);
  await page.check('#region-right_upper_arm');
  assert.equal(await page.isChecked('#region-left_lower_leg'), true);
  await save(page);
  assert.deepEqual(sorted(await savedRegions(page)), sorted(['chest', 'left_lower_leg', 'right_upper_arm']));
  await context.close();
});

test('for a screen reader, and with styles off, the map is a plain list of 19 labelled checkboxes', async () => {
  const page = await browser.newPage();
  await signIn(page, server.url, ...DEMO.patient);
  await openMap(page);
  // Each checkbox's name is the area's plain name and nothing else; the drawing is hidden.
  const tree = await page.locator('fieldset.bodymap').ariaSnapshot();
  const names = [...tree.matchAll(/checkbox "([^"]+)"/g)].map((m) => m[1]);
  const labels = await page.$$eval('.bodymap-inputs label', (l) => l.map((e) => e.textContent.trim()));
  assert.equal(names.length, 19);
  assert.deepEqual(names, labels);
  assert.deepEqual(labels.slice(0, 5), ['Left jaw', 'Left shoulder', 'Left upper arm', 'Left lower arm', 'Right jaw']);
  assert.match(tree, /group "Where did it hurt\? Choose every area that applies"/);
  assert.doesNotMatch(tree, /Your right|Front|You chose/, 'nothing drawn is read out');
  const ids = await page.$$eval('input[name=pain_regions]', (l) => l.map((e) => e.id));
  assert.deepEqual(ids, ORDER.map((c) => `region-${c}`));

  // Styles off: no drawing, and every checkbox shows with its label.
  await page.route('**/static/app.*.css', (r) => r.abort());
  await openMap(page);
  assert.equal(await page.isVisible('.bodymap-drawing'), false);
  assert.equal(await page.isVisible('.bodymap-summary'), false);
  for (const code of ORDER) {
    assert.equal(await page.isVisible(`#region-${code}`), true, code);
    assert.equal(await page.isVisible(`label[for=region-${code}]:not(.bodymap-area)`), true, code);
  }
  await page.check('#region-left_hip');
  await page.check('#region-neck');
  await save(page);
  assert.deepEqual(sorted(await savedRegions(page)), ['left_hip', 'neck']);
  await page.close();
});

test('the map has no WCAG 2.2 AA violations in either theme', async () => {
  const page = await browser.newPage();
  await signIn(page, server.url, ...DEMO.patient);
  for (const lowGlare of [false, true]) {
    await page.goto(`${server.url}/settings`);
    if (lowGlare) await page.check('#low_glare'); else await page.uncheck('#low_glare');
    await page.click('text=Save display settings');
    await openMap(page);
    assert.deepEqual(await axeViolations(page), [], 'nothing chosen');
    await page.click('.bodymap-front path[data-region=neck]');
    await page.click('.bodymap-back path[data-region=upper_back]');
    await page.focus('#region-left_hip');
    await page.keyboard.press('Tab');
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], `${lowGlare ? 'low-glare' : 'light'} theme: ${JSON.stringify(violations, null, 2)}`);
  }
  await page.close();
});
