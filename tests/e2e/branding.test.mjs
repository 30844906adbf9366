// A page's own branding (SPEC §16): custom CSS (at most 64 KiB) appended to the page's
// brand stylesheet and served under a content-hashed /static/ name — immutable for a
// year, an old name answering the current bytes with no-cache, guarded like the page when
// it is not public — and a footer note in Markdown, escaped like every Markdown text.
// In Chromium the custom CSS applies while the Content-Security-Policy stays strict: an
// image and a font of another origin named by it are blocked before any request leaves.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startWithToken, api, request } from './lib/harness.mjs';
import { stopClean, assertError, auditMark, auditSince } from './lib/admin.mjs';

let s;
before(async () => { s = await startWithToken(); });
after(() => stopClean(s));

const brandLink = (html) => (/<link rel="stylesheet" href="(\/static\/brand\.[0-9a-f]{16}\.css)">/.exec(html) || [])[1];

test('custom CSS is served under a content-hashed name, immutable; an old name gets the current bytes', async () => {
  const css = '.brand-name { color: rgb(1, 2, 3); }';
  const r = await api(s, 'PATCH', 'page', { body: { custom_css: css } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.page.custom_css, css);
  const home = await request(s, 'GET', '/');
  const link = brandLink(home.text);
  assert.ok(link, 'the page links its brand stylesheet by hash');
  const got = await request(s, 'GET', link);
  assert.equal(got.status, 200);
  assert.equal(got.headers['content-type'], 'text/css; charset=utf-8');
  assert.equal(got.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.match(got.text, /^:root\{--brand:#[0-9a-f]{6}\}\n/);
  assert.ok(got.text.includes(css));
  assert.equal((await request(s, 'GET', '/brand.css')).text, got.text, '/brand.css has the same bytes');
  const again = await request(s, 'GET', link, { headers: { 'If-None-Match': got.headers.etag } });
  assert.equal(again.status, 304);

  // a change gives a new name; the old one answers the new bytes, revalidated every time
  assert.equal((await api(s, 'PATCH', 'page', { body: { custom_css: '.brand-name { color: rgb(4, 5, 6); }' } })).status, 200);
  const link2 = brandLink((await request(s, 'GET', '/')).text);
  assert.notEqual(link2, link);
  const old = await request(s, 'GET', link);
  assert.equal(old.status, 200);
  assert.equal(old.headers['cache-control'], 'public, no-cache, stale-if-error=86400');
  assert.match(old.text, /rgb\(4, 5, 6\)/);
  assert.equal((await request(s, 'GET', '/static/brand.zz.css')).headers['cache-control'], 'public, no-cache, stale-if-error=86400');
  // the policy is as strict as ever
  assert.match(home.headers['content-security-policy'], /style-src 'self';/);
});

test('custom CSS over 64 KiB and a bad footer are refused, changing nothing', async () => {
  const before = (await api(s, 'GET', 'page')).json.page;
  const mark = auditMark(s);
  assertError(await api(s, 'PATCH', 'page', { body: { custom_css: 'a'.repeat(65537) } }), 400, 'invalid_input', /custom_css is 65537 characters long; at most 65536/);
  assertError(await api(s, 'PATCH', 'page', { body: { custom_css: 'é'.repeat(40000) } }), 400, 'invalid_input', /custom_css is 80000 bytes long; at most 65536 \(64 KiB\)/);
  assertError(await api(s, 'PATCH', 'page', { body: { custom_css: 'a\u0007b' } }), 400, 'invalid_input', /custom_css contains a control character/);
  assertError(await api(s, 'PATCH', 'page', { body: { footer_markdown: 'x'.repeat(4001) } }), 400, 'invalid_input', /footer_markdown is 4001 characters long; at most 4000/);
  assertError(await api(s, 'PATCH', 'page', { body: { footer_markdown: 7 } }), 400, 'invalid_input', /footer_markdown must be a string/);
  assert.deepEqual(auditSince(s, mark), []);
  assert.deepEqual((await api(s, 'GET', 'page')).json.page, before);
  assert.equal((await api(s, 'PATCH', 'page', { body: { custom_css: '/*' + 'a'.repeat(65532) + '*/' } })).status, 200, 'exactly 64 KiB');
});

test('the footer note is Markdown, escaped; links that run code are dropped', async () => {
  const note = '© **Acme Ltd** · [Privacy](https://example.com/privacy) <script>alert(1)</script> [x](javascript:alert(2))';
  assert.equal((await api(s, 'PATCH', 'page', { body: { footer_markdown: note } })).status, 200);
  for (const p of ['/', '/history', '/subscribe']) {
    const html = (await request(s, 'GET', p)).text;
    const foot = (/<div class="md foot-note">([\s\S]*?)<\/div>/.exec(html) || [])[1] || '';
    assert.match(foot, /<strong>Acme Ltd<\/strong>/, p);
    assert.match(foot, /<a href="https:\/\/example.com\/privacy">Privacy<\/a>/, p);
    assert.ok(!/<script/i.test(foot) && !/javascript:/i.test(foot), `${p}: ${foot}`);
  }
});

test('on a page that is not public the stylesheet is guarded too', async () => {
  const link = brandLink((await request(s, 'GET', '/')).text);
  assert.equal((await api(s, 'PATCH', 'page', { body: { visibility: 'password', password: 'branding-pass' } })).status, 200);
  const r = await request(s, 'GET', link);
  assert.equal(r.status, 401);
  assert.equal(r.headers['x-robots-tag'], 'noindex, nofollow');
  assert.ok(!r.text.includes('rgb('));
  const key = (await api(s, 'GET', 'page')).json.page.read_key;
  assert.equal((await request(s, 'GET', `${link}?key=${key}`)).status, 401, 'the read key is for feeds and JSON');
  assert.equal((await api(s, 'PATCH', 'page', { body: { visibility: 'public' } })).status, 200);
});

test('in Chromium the custom CSS applies and the CSP still blocks other origins', async () => {
  assert.equal((await api(s, 'PATCH', 'page', { body: {
    custom_css: '.brand-name { color: rgb(10, 20, 30); background-image: url("http://127.0.0.2:9/track.png"); }\n' +
      '@font-face { font-family: "Evil"; src: url("http://127.0.0.2:9/evil.woff2"); }\n.powered { font-family: "Evil"; }',
  } })).status, 200);
  const profile = mkdtempSync(path.join(tmpdir(), 'pharos-brand-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    const refused = [], asked = [], failed = new Map();
    page.on('console', (m) => { if (/Content Security Policy/.test(m.text())) refused.push(m.text()); });
    page.on('request', (q) => asked.push(q.url()));
    page.on('requestfailed', (q) => failed.set(q.url(), q.failure()?.errorText || ''));
    await page.goto(s.url + '/', { waitUntil: 'load' });
    await page.waitForTimeout(300);
    const color = await page.evaluate(() => getComputedStyle(document.querySelector('.brand-name')).color);
    assert.equal(color, 'rgb(10, 20, 30)');
    assert.ok(asked.some((u) => /\/static\/brand\.[0-9a-f]{16}\.css$/.test(u)), 'the stylesheet was loaded by its hashed name');
    for (const u of asked.filter((x) => x.includes('127.0.0.2')))
      assert.match(failed.get(u) || '', /BLOCKED_BY_CSP|^csp$/, `${u} was stopped by the CSP, not sent: ${failed.get(u)}`);
    assert.ok(refused.some((t) => t.includes('127.0.0.2/track.png') || t.includes('127.0.0.2:9/track.png')), `the CSP refused the image: ${refused.join(' | ')}`);
    assert.ok(refused.some((t) => t.includes('evil.woff2')), `the CSP refused the font: ${refused.join(' | ')}`);
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
