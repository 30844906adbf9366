// A password page in a real browser (playwright-core driving Debian's chromium): the
// door shows the form and nothing of the page; a wrong password is said so; the right one
// lands on the page that was asked for, which then stays open (the access cookie) with no
// console error and no CSP violation; a feed link with ?key= opens in a fresh browser that
// has no cookie. Screenshots go to test-artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startWithToken, api } from './lib/harness.mjs';
import { stopClean } from './lib/admin.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const artifacts = path.join(root, 'test-artifacts');
const TITLE = 'Kiwi cluster degraded';
let s, profile, ctx, incident, key;

before(async () => {
  s = await startWithToken();
  const svc = (await api(s, 'POST', 'services', { body: { name: 'Kiwi' } })).json.service.id;
  incident = (await api(s, 'POST', 'incidents', { body: { title: TITLE, message: 'Looking.', services: [{ id: svc, status: 'degraded' }] } })).json.incident.id;
  const set = await api(s, 'PATCH', 'page', { body: { visibility: 'password', password: 'kiwi-password-1' } });
  assert.equal(set.status, 200, set.text);
  key = set.json.page.read_key;
  mkdirSync(artifacts, { recursive: true });
  profile = mkdtempSync(path.join(tmpdir(), 'pharos-vis-chromium-'));
  ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  await ctx?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await stopClean(s);
});

test('the door, a wrong password, the right one, and the page asked for', async () => {
  const page = ctx.pages()[0] || await ctx.newPage();
  const problems = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective}`));
  });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  const r = await page.goto(`${s.url}/incidents/${incident}`);
  assert.equal(r.status(), 401);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal((await page.locator('h1').innerText()).trim(), 'This status page is private');
  assert.ok(!(await page.content()).includes(TITLE));
  await page.screenshot({ path: path.join(artifacts, 'visibility-door.png'), fullPage: true });

  await page.fill('#access-password', 'wrong-password-1');
  await page.click('button[type=submit]');
  assert.match(await page.locator('[role=alert]').innerText(), /Wrong password\./);

  await page.fill('#access-password', 'kiwi-password-1');
  await Promise.all([page.waitForURL(`${s.url}/incidents/${incident}`), page.click('button[type=submit]')]);
  assert.ok((await page.content()).includes(TITLE));
  await page.goto(`${s.url}/`);
  assert.equal(await page.getAttribute('[data-overall-status]', 'data-overall-status'), 'degraded_performance');
  await page.screenshot({ path: path.join(artifacts, 'visibility-opened.png'), fullPage: true });
  // (the 401 of the door itself is the one console error a browser logs)
  assert.deepEqual(problems.filter((p) => !/401/.test(p)), []);
});

test('a feed URL with the read key opens without a cookie', async () => {
  const fresh = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  try {
    const page = await fresh.newPage();
    const denied = await page.goto(`${s.url}/api/v2/status.json`);
    assert.equal(denied.status(), 401);
    const r = await page.goto(`${s.url}/api/v2/status.json?key=${key}`);
    assert.equal(r.status(), 200);
    assert.equal(JSON.parse(await r.text()).status.indicator, 'minor');
  } finally {
    await fresh.close();
  }
});
