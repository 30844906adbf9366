// The admin console in a real browser (playwright-core driving Debian's chromium,
// headless): the first owner's setup, services, the dashboard dropdown that
// applies at once (seen on the public page), an incident from a template through
// to resolved, Markdown lists in an update without the timeline's stage markers (console
// and public page), scheduled maintenance, inviting an editor who cannot open Team or
// Settings, an API token created and revoked. Each screen's screenshot goes to
// test-artifacts/admin-*.png; no console error or CSP violation is allowed.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, request } from './lib/harness.mjs';
import { stopClean } from './lib/admin.mjs';
import { until } from './lib/events.mjs';
import { startSmtp } from './fakes/smtp.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const artifacts = path.join(root, 'test-artifacts');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

// A browser with its own new, empty profile; every page records its problems.
async function browser() {
  const profile = mkdtempSync(path.join(tmpdir(), 'pharos-admin-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
  const page = ctx.pages()[0] || await ctx.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 403/.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('dialog', (d) => { problems.push('dialog: ' + d.message()); d.dismiss(); });
  return { ctx, page, problems, close: async () => { await ctx.close(); rmSync(profile, { recursive: true, force: true }); } };
}

const shot = (page, name) => page.screenshot({ path: path.join(artifacts, `admin-${name}.png`), fullPage: true });

describe('admin console in a browser', () => {
  let s, owner, base, smtp;
  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    smtp = await startSmtp();
    s = await startServer({ env: { PHAROS_EMAIL_SMTP_URL: smtp.url } });
    base = s.url;
    owner = await browser();
  });
  after(async () => {
    await owner?.close();
    await stopClean(s);
    await smtp?.stop();
  });

  test('set up the first owner and land on the dashboard', async () => {
    const { page } = owner;
    await page.goto(base + '/admin/');
    assert.equal(new URL(page.url()).pathname, '/admin/setup');
    await shot(page, 'setup');
    await page.fill('#name', 'Olive Owner');
    await page.fill('#email', 'owner@example.com');
    await page.fill('#password', 'owner-password');
    await Promise.all([page.waitForURL(base + '/admin'), page.click('button[type=submit]')]);
    assert.match(await page.textContent('h1'), /Dashboard/);
  });

  test('create a service, set its status from the dashboard dropdown, see it on the public page', async () => {
    const { page } = owner;
    await page.goto(base + '/admin/services');
    await page.fill('#grp-name', 'Core platform');
    await Promise.all([page.waitForNavigation(), page.click('text=Add group')]);
    await page.fill('#svc-name', 'API');
    await page.fill('#svc-desc', 'Public REST API');
    await page.selectOption('#svc-group', { label: 'Core platform' });
    await Promise.all([page.waitForNavigation(), page.click('text=Add service')]);
    await page.fill('#svc-name', 'Website');
    await Promise.all([page.waitForNavigation(), page.click('text=Add service')]);
    await shot(page, 'services');
    const id = await page.getAttribute('tr[data-service-id]:has-text("API")', 'data-service-id');

    await page.goto(base + '/admin');
    assert.equal(await page.isVisible(`li[data-service-id="${id}"] button`), false, 'with JS the Apply button is hidden');
    await Promise.all([page.waitForURL(/notice=status/), page.selectOption(`#status-${id}`, 'major_outage')]);
    assert.equal(await page.getAttribute(`li[data-service-id="${id}"]`, 'data-status'), 'major_outage');
    assert.match(await page.textContent('.flash-ok'), /Status updated/);
    await shot(page, 'dashboard');

    const pub = await owner.ctx.newPage();
    await pub.goto(base + '/');
    assert.equal(await pub.getAttribute(`[data-service-id="${id}"]`, 'data-status'), 'major_outage');
    await pub.close();
    await page.goto(base + '/admin');
    await Promise.all([page.waitForURL(/notice=status/), page.selectOption(`#status-${id}`, 'operational')]);
    assert.equal(await page.getAttribute(`li[data-service-id="${id}"]`, 'data-status'), 'operational');
  });

  test('create an incident from a template and resolve it', async () => {
    const { page } = owner;
    await page.goto(base + '/admin/templates');
    await page.selectOption('#kind', 'incident');
    await page.fill('#name', 'API errors');
    await page.fill('#title', 'Elevated API error rates');
    await page.fill('#message', 'We are investigating **elevated error rates** on the API.');
    await Promise.all([page.waitForURL(/notice=created/), page.click('text=Create template')]);
    await shot(page, 'templates');

    await page.goto(base + '/admin/incidents/new');
    await Promise.all([page.waitForURL(/template=/), page.selectOption('#template', { label: 'API errors' })]);
    assert.equal(await page.inputValue('#title'), 'Elevated API error rates');
    assert.match(await page.inputValue('#message'), /elevated error rates/);
    await page.check('.pick-row:has-text("API") input[type=checkbox]');
    await page.selectOption('.pick-row:has-text("API") select', 'partial_outage');
    await Promise.all([page.waitForLoadState('load'), page.click('button[name=preview]')]);
    assert.match(await page.innerHTML('.preview'), /<strong>elevated error rates<\/strong>/);
    await shot(page, 'incident-new');
    await Promise.all([page.waitForURL(/\/admin\/incidents\/\d+\?notice=created/), page.click('text=Create incident')]);
    assert.match(await page.textContent('h1'), /Elevated API error rates/);
    assert.match(await page.textContent('.meta'), /impact: major/i, 'the status chosen before the preview was kept');
    assert.match(await page.textContent('.meta'), /API: Partial Outage/);

    await page.selectOption('#stage', 'resolved');
    await page.fill('#message', 'The API is back to normal.');
    await Promise.all([page.waitForURL(/notice=posted/), page.click('text=Post update')]);
    assert.match(await page.textContent('.meta'), /Resolved/);
    assert.equal(await page.locator('.timeline li').count(), 2);
    await shot(page, 'incident');
    await page.goto(base + '/admin/incidents');
    await shot(page, 'incidents');
  });

  test('a Markdown list in an update keeps its bullets, without the timeline\'s stage markers', async () => {
    const { page } = owner;
    await page.goto(base + '/admin/incidents/new');
    await page.fill('#title', 'Partial login failures');
    await page.fill('#message', 'Affected:\n\n- sign-in with SSO\n- password resets\n\nSteps:\n\n1. rolled back\n2. watching');
    await Promise.all([page.waitForURL(/\/admin\/incidents\/\d+\?notice=created/), page.click('text=Create incident')]);
    await page.fill('#message', 'Still:\n\n- watching error rates');
    await Promise.all([page.waitForURL(/notice=posted/), page.click('text=Post update')]);
    await shot(page, 'incident-markdown-list');
    // Computed styles of every <li> of the timeline: its entries, and the Markdown lists in them.
    const styles = (sel) => page.evaluate((s) => [...document.querySelectorAll(s)].map((li) => ({
      before: getComputedStyle(li, '::before').content, marker: getComputedStyle(li).listStyleType,
      padBottom: getComputedStyle(li).paddingBottom, list: li.parentElement.tagName,
    })), sel);
    const entries = await styles('.timeline > li');
    assert.equal(entries.length, 2);
    for (const x of entries) assert.notEqual(x.before, 'none', 'each timeline entry keeps its stage marker');
    const items = await styles('.timeline .markdown li');
    assert.equal(items.length, 5, 'the two lists of the first update and the one of the second');
    for (const x of items) {
      assert.equal(x.before, 'none', 'a Markdown list item gets no stage marker');
      assert.equal(x.padBottom, '0px', 'nor the spacing of a timeline entry');
      if (x.list === 'OL') assert.equal(x.marker, 'decimal', 'its own number');
      else assert.notEqual(x.marker, 'none', 'its own bullet');
    }
    assert.deepEqual(items.map((x) => x.list).sort(), ['OL', 'OL', 'UL', 'UL', 'UL']);

    // The public page of the incident: the same lists, the same rule.
    const id = /\/admin\/incidents\/(\d+)/.exec(page.url())[1];
    const pub = await owner.ctx.newPage();
    await pub.goto(`${base}/incidents/${id}`);
    const pubStyles = (sel) => pub.evaluate((s) => [...document.querySelectorAll(s)].map((li) =>
      getComputedStyle(li, '::before').content), sel);
    const pubEntries = await pubStyles('.timeline > li');
    assert.equal(pubEntries.length, 2);
    for (const c of pubEntries) assert.notEqual(c, 'none', 'each public timeline entry keeps its marker');
    const pubItems = await pubStyles('.timeline .md li');
    assert.equal(pubItems.length, 5);
    for (const c of pubItems) assert.equal(c, 'none', 'a Markdown list item on the public page gets no marker');
    await pub.close();
  });

  test('schedule maintenance', async () => {
    const { page } = owner;
    await page.goto(base + '/admin/maintenance/new');
    const start = new Date(Date.now() + 86400e3).toISOString().slice(0, 16);
    const end = new Date(Date.now() + 93600e3).toISOString().slice(0, 16);
    await page.fill('#title', 'Database upgrade');
    await page.fill('#message', 'The database moves to new hardware.');
    await page.fill('#scheduled_start', start);
    await page.fill('#scheduled_end', end);
    await page.check('.pick-row:has-text("Website") input[type=checkbox]');
    await shot(page, 'maintenance-new');
    await Promise.all([page.waitForURL(/\/admin\/maintenance\/\d+\?notice=created/), page.click('text=Schedule maintenance')]);
    assert.match(await page.textContent('.meta'), /Scheduled/);
    // times show in the page's zone (UTC by default), named
    assert.match(await page.textContent('.meta time'), /UTC/);
    await shot(page, 'maintenance');
    await page.goto(base + '/admin');
    assert.match(await page.textContent('main'), /Database upgrade/);
  });

  test('invite a member who signs in as an editor and cannot open Team or Settings', async () => {
    const { page } = owner;
    await page.goto(base + '/admin/team');
    await page.fill('#inv-email', 'editor@example.com');
    await page.selectOption('#inv-role', 'editor');
    await Promise.all([page.waitForURL(/notice=invited/), page.click('text=Send invitation')]);
    assert.match(await page.textContent('main'), /Invitation e-mailed/);
    const [mail] = await smtp.waitFor((m) => m.some((x) => x.to.includes('editor@example.com')));
    const link = /(http:\/\/\S+\/admin\/invite\/inv_\S+)/.exec(mail.text)[1];
    // The sink has the message; the dispatcher records "sent" once the relay's answer is in.
    await until(async () => {
      await page.reload();
      return /sent/.test(await page.textContent('[data-invitation="editor@example.com"]'));
    }, { what: 'the invitation shown as sent' });
    await shot(page, 'team');

    const ed = await browser();
    try {
      await ed.page.goto(link);
      await shot(ed.page, 'invite');
      await ed.page.fill('#name', 'Eddie Editor');
      await ed.page.fill('#password', 'editor-password');
      await Promise.all([ed.page.waitForURL(base + '/admin'), ed.page.click('button[type=submit]')]);
      assert.equal(await ed.page.locator('nav.sidebar >> text=Team').count(), 0);
      assert.equal(await ed.page.locator('nav.sidebar >> text=Settings').count(), 0);
      for (const p of ['/admin/team', '/admin/settings']) {
        const r = await ed.page.goto(base + p);
        assert.equal(r.status(), 403, p);
      }
      await shot(ed.page, 'editor-forbidden');
      await ed.page.goto(base + '/admin/incidents/new');
      assert.match(await ed.page.textContent('h1'), /New incident/);
      assert.deepEqual(ed.problems, []);
    } finally {
      await ed.close();
    }
    await page.goto(base + '/admin/team');
    assert.match(await page.textContent('main'), /editor@example.com/);
  });

  test('create an API token, use it, revoke it', async () => {
    const { page } = owner;
    await page.goto(base + '/admin/tokens');
    await page.fill('#token-name', 'Deploy pipeline');
    await Promise.all([page.waitForLoadState('load'), page.click('text=Create token')]);
    const token = (await page.textContent('[data-new-token]')).trim();
    assert.match(token, /^phr_/);
    await shot(page, 'token-created');
    assert.equal((await request(s, 'GET', '/admin/api/v1/services', { token })).status, 200);
    await page.goto(base + '/admin/tokens');
    assert.equal(await page.locator('text=' + token).count(), 0, 'shown once');
    await page.click('tr:has-text("Deploy pipeline") summary');
    await Promise.all([page.waitForURL(/notice=revoked/), page.click('tr:has-text("Deploy pipeline") >> text=Yes, revoke')]);
    assert.equal((await request(s, 'GET', '/admin/api/v1/services', { token })).status, 401);
    await shot(page, 'tokens');
  });

  test('every other screen renders, on a desktop and on a phone, with no console errors', async () => {
    const { page } = owner;
    for (const [p, name] of [['/admin/subscribers', 'subscribers'], ['/admin/integrations', 'integrations'],
      ['/admin/settings', 'settings'], ['/admin/deliveries', 'deliveries'], ['/admin/account', 'account'],
      ['/admin/maintenance', 'maintenance-list']]) {
      const r = await page.goto(base + p);
      assert.equal(r.status(), 200, p);
      await shot(page, name);
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(base + '/admin');
    await shot(page, 'dashboard-phone');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no sideways scrolling on a phone (${overflow}px)`);
    await page.setViewportSize({ width: 1280, height: 900 });
    await Promise.all([page.waitForURL(/\/admin\/login/), page.click('text=Sign out')]);
    await shot(page, 'login');
    assert.deepEqual(owner.problems, []);
  });
});
