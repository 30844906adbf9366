// The public page in a real browser (playwright-core driving Debian's chromium,
// headless): no console errors and no CSP violations at phone and desktop widths,
// light and dark; an incident titled <img src=x onerror=alert(1)> shows as text and
// runs nothing; local times filled in by public.js. Screenshots go to test-artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startWithToken, api } from './lib/harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const artifacts = path.join(root, 'test-artifacts');
let s, ctx, profile, incId;

before(async () => {
  s = await startWithToken();
  const post = async (route, body) => {
    const r = await api(s, 'POST', route, { body });
    assert.ok(r.status === 201 || r.status === 200, r.text);
    return r.json;
  };
  const g = (await post('groups', { name: 'Core platform' })).group.id;
  const web = (await post('services', { name: 'Website', description: 'www and the dashboard' })).service.id;
  const apiSvc = (await post('services', { name: 'API', group_id: g })).service.id;
  await post('services', { name: 'Database', group_id: g });
  incId = (await post('incidents', { title: '<img src=x onerror=alert(1)>',
    message: 'Investigating <script>alert(2)</script> **errors** [link](javascript:alert(3))',
    services: [{ id: apiSvc, status: 'partial_outage' }] })).incident.id;
  const old = (await post('incidents', { title: 'Slow dashboard', message: 'Looking.', services: [{ id: web, status: 'degraded' }] })).incident.id;
  await post(`incidents/${old}/updates`, { stage: 'resolved', message: 'Fixed.' });
  const start = new Date(Date.now() + 86400e3).toISOString().replace(/\.\d+Z/, 'Z');
  const end = new Date(Date.now() + 93600e3).toISOString().replace(/\.\d+Z/, 'Z');
  await post('maintenance', { title: 'Database upgrade', message: 'Upgrading.', scheduled_start: start, scheduled_end: end, services: [web] });
  mkdirSync(artifacts, { recursive: true });
  profile = mkdtempSync(path.join(tmpdir(), 'pharos-chromium-'));
  ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  await ctx?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await s.stop();
  s.cleanup();
});

// Opens URL at WIDTH in SCHEME; returns {page, problems} where problems collects console
// errors, page errors, CSP violations and dialogs.
async function open(url, width, scheme) {
  const page = await ctx.newPage();
  await page.setViewportSize({ width, height: 900 });
  await page.emulateMedia({ colorScheme: scheme });
  const problems = [];
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__csp.push(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  const r = await page.goto(url, { waitUntil: 'load' });
  assert.equal(r.status(), 200);
  await page.evaluate(() => new Promise((res) => setTimeout(res, 100)));
  const csp = await page.evaluate(() => window.__csp || []);
  problems.push(...csp);
  return { page, problems };
}

for (const [name, width, scheme] of [['phone', 375, 'light'], ['phone-dark', 375, 'dark'], ['desktop', 1280, 'light'], ['desktop-dark', 1280, 'dark']]) {
  test(`renders cleanly at ${width}px (${scheme})`, async () => {
    const { page, problems } = await open(s.url + '/', width, scheme);
    const overall = await page.getAttribute('[data-overall-status]', 'data-overall-status');
    assert.equal(overall, 'partial_outage');
    assert.equal(await page.locator('[data-service-id]').count(), 3);
    const h1 = await page.locator('h1').innerText();
    assert.equal(h1.trim(), 'Partial Outage');
    // No horizontal scrolling on a phone.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page wider than the viewport by ${overflow}px`);
    // public.js turned UTC into local time (the title keeps the UTC text).
    const t = await page.locator('time').first();
    assert.match(await t.getAttribute('title'), /UTC$/);
    await page.screenshot({ path: path.join(artifacts, `public-${name}.png`), fullPage: true });
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('an incident titled <img src=x onerror=alert(1)> shows as text and runs nothing', async () => {
  const page = await ctx.newPage();
  const problems = [];
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  for (const url of [s.url + '/', `${s.url}/incidents/${incId}`]) {
    await page.goto(url);
    const title = page.locator(`[data-event-id="${incId}"] .event-title`);
    assert.equal((await title.innerText()).trim(), '<img src=x onerror=alert(1)>');
    assert.equal(await page.locator(`[data-event-id="${incId}"] img`).count(), 0);
    assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline script');
    const link = page.locator(`[data-event-id="${incId}"] .md a`);
    assert.ok(!/javascript:/i.test((await link.getAttribute('href')) || ''));
    await link.click().catch(() => {});
  }
  await page.screenshot({ path: path.join(artifacts, 'public-incident.png'), fullPage: true });
  await page.waitForTimeout(200);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a logo (an SVG with only a viewBox) keeps the title beside it and gets a box', async () => {
  const r = await api(s, 'PATCH', 'page', { body: { logo_url: `${s.url}/static/favicon.svg` } });
  assert.equal(r.status, 200, r.text);
  try {
    for (const width of [375, 1280]) {
      const { page, problems } = await open(s.url + '/', width, 'light');
      const box = await page.locator('header .brand .logo').boundingBox();
      assert.ok(box && box.width >= 20 && box.height >= 20, `the logo is drawn (${JSON.stringify(box)})`);
      assert.equal((await page.locator('header .brand .brand-name').innerText()).trim(), 'Status', 'the title stays');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page wider than the viewport by ${overflow}px`);
      await page.screenshot({ path: path.join(artifacts, `public-logo-${width}.png`) });
      assert.deepEqual(problems, []);
      await page.close();
    }
  } finally {
    await api(s, 'PATCH', 'page', { body: { logo_url: '' } });
  }
});

test('the 404 page is in the public layout and clean', async () => {
  const page = await ctx.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' && !/404/.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  const r = await page.goto(s.url + '/no/such/page');
  assert.equal(r.status(), 404);
  assert.match(await page.locator('h1').innerText(), /does not exist/);
  assert.equal(await page.locator('header.site a[href="/subscribe"]').count(), 1);
  await page.screenshot({ path: path.join(artifacts, 'public-404.png') });
  assert.deepEqual(problems, []);
  await page.close();
});
