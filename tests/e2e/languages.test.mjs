// Languages (SPEC §16): the public page, history, incident pages, error page, door and
// feeds in en, de, fr, es, pt-BR and ja. A reader's language comes from ?lang= (which sets
// a cookie), then the cookie, then Accept-Language (q-values), else the page's default,
// among the languages the page offers only; <html lang> and Content-Language say it; Vary
// names Cookie and Accept-Language unless the URL chose. Every text of the catalogue the
// page uses is there in each language (no key left empty), dates and uptime figures are
// written the language's way, and each language is a snapshot entry of its own (the
// same ETag twice). In Chromium each language is screenshotted to test-artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startWithToken, api, request } from './lib/harness.mjs';
import { stopClean, assertError } from './lib/admin.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const artifacts = path.join(root, 'test-artifacts');
const LANGS = ['en', 'de', 'fr', 'es', 'pt-BR', 'ja'];
const cat = Object.fromEntries(LANGS.map((l) => [l, JSON.parse(readFileSync(path.join(root, 'locales', `${l}.json`), 'utf8'))]));
const esc = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
let s, incId;

before(async () => {
  s = await startWithToken();
  const post = async (route, body) => {
    const r = await api(s, 'POST', route, { body });
    assert.ok(r.status === 201 || r.status === 200, r.text);
    return r.json;
  };
  const web = (await post('services', { name: 'Website' })).service.id;
  await post('services', { name: 'API' });
  incId = (await post('incidents', { title: 'Slow logins', message: 'Looking into it.', services: [{ id: web, status: 'degraded' }] })).incident.id;
  const r = await api(s, 'PATCH', 'page', { body: { languages: LANGS } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.page.languages, LANGS);
  assert.equal(r.json.page.default_language, 'en');
});
after(() => stopClean(s));

const get = (p, headers = {}) => request(s, 'GET', p, { headers });
const htmlLang = (html) => (/<html lang="([^"]+)">/.exec(html) || [])[1];

test('the page in each language: every text of its catalogue, <html lang>, Content-Language', async () => {
  const keys = ['services', 'last_updated', 'active_incidents', 'past_7_days', 'incident_history', 'subscribe_nav',
    'legend_operational', 'days_ago', 'today', 'skip', 'powered', 'status_degraded_performance', 'stage_investigating',
    'updates_email', 'maint_calendar', 'language_nav'];
  for (const l of LANGS) {
    const r = await get(`/?lang=${l}`);
    assert.equal(r.status, 200);
    assert.equal(htmlLang(r.text), l);
    assert.equal(r.headers['content-language'], l);
    for (const k of keys) assert.ok(r.text.includes(esc(cat[l][k])), `${l}: "${cat[l][k]}" (${k}) is on the page`);
    assert.ok(!/<h[1-3][^>]*><\/h[1-3]>|\{\{|aria-label=""/.test(r.text), `${l}: no empty heading, label or template tag`);
    for (const o of LANGS) // the switcher names every offered language in itself, the current one marked
      assert.match(r.text, new RegExp(`<a href="\\?lang(=|&#61;)${o}" hreflang="${o}" lang="${o}"${o === l ? ' aria-current="page"' : ''}>${esc(cat[o].lang_name).replace(/[()]/g, '\\$&')}</a>`));
    const ev = await get(`/incidents/${incId}?lang=${l}`);
    assert.equal(htmlLang(ev.text), l);
    assert.ok(ev.text.includes(esc(cat[l].incident_report)) && ev.text.includes(esc(cat[l].current_status)), l);
    const h = await get(`/history?lang=${l}`);
    assert.ok(h.text.includes(esc(cat[l].history_sub)), `${l}: history`);
    assert.match(h.text, /href="\?page(=|&#61;)1&amp;lang(=|&#61;)de"/, 'the switcher stays on the history page');
    const nf = await get(`/incidents/999999?lang=${l}`);
    assert.equal(nf.status, 404);
    assert.equal(htmlLang(nf.text), l);
    assert.ok(nf.text.includes(esc(cat[l].not_found_title)), `${l}: the error page`);
    const feed = await get(`/feed?lang=${l}`);
    assert.ok(feed.text.includes(`<language>${l}</language>`), `${l}: RSS language`);
    assert.ok(feed.text.includes(esc(cat[l].stage_investigating)), `${l}: the feed's stages`);
  }
});

test('dates and uptime figures are written the language’s way', async () => {
  const month = new Date().getUTCMonth();
  const de = (await get('/?lang=de')).text;
  assert.match(de, /100,00 % Verfügbarkeit/);
  assert.ok(de.includes(`. ${cat.de.date_months.split(' ')[month]} ${new Date().getUTCFullYear()}, `), 'German dates: "7. Dez. 2026, 14:05 UTC"');
  assert.match(de, /title="\d+\. [^"]+: (Keine Störungen|keine Daten|Eingeschränkte Leistung)/);
  const ja = (await get('/?lang=ja')).text;
  assert.match(ja, /\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d UTC/);
  assert.match(ja, /100\.00% 稼働率/);
  const fr = (await get('/?lang=fr')).text;
  assert.match(fr, /100,00 % de disponibilité/);
  const en = (await get('/')).text;
  assert.match(en, /100\.00% uptime/);
  assert.match(en, /[A-Z][a-z]{2} \d{1,2}, \d{4} \d\d:\d\d UTC/);
});

test('?lang= beats the cookie, the cookie beats Accept-Language, then the default; only offered languages', async () => {
  let r = await get('/?lang=fr', { 'Accept-Language': 'de', Cookie: 'pharos_lang=ja' });
  assert.equal(htmlLang(r.text), 'fr');
  assert.match(r.headers['set-cookie']?.[0] || '', /^pharos_lang=fr; .*Max-Age=31536000/);
  assert.equal(r.headers.vary, 'Accept-Encoding', 'the URL names the language: a cache keeps one copy per URL');
  r = await get('/?lang=fr', { Cookie: 'pharos_lang=fr' });
  assert.equal(r.headers['set-cookie'], undefined, 'no cookie when it is already the one');
  r = await get('/', { 'Accept-Language': 'de', Cookie: 'pharos_lang=ja' });
  assert.equal(htmlLang(r.text), 'ja');
  assert.equal(r.headers.vary, 'Accept-Encoding, Cookie, Accept-Language');
  r = await get('/', { 'Accept-Language': 'xx;q=1, es;q=0.4, pt;q=0.8' });
  assert.equal(htmlLang(r.text), 'pt-BR', 'q-values; "pt" is pt-BR');
  r = await get('/', { 'Accept-Language': 'nl, sv' });
  assert.equal(htmlLang(r.text), 'en', 'nothing offered: the default');
  r = await get('/?lang=xx', { 'Accept-Language': 'es' });
  assert.equal(htmlLang(r.text), 'es', 'an unknown ?lang= falls through');
  assert.equal(r.headers['set-cookie'], undefined);

  // a page offering two: others are not served, and the default changes what "/" is
  assert.equal((await api(s, 'PATCH', 'page', { body: { default_language: 'de', languages: ['de', 'en'] } })).status, 200);
  r = await get('/?lang=ja', { 'Accept-Language': 'fr, ja' });
  assert.equal(htmlLang(r.text), 'de', 'ja is not offered any more: the default');
  r = await get('/', { Cookie: 'pharos_lang=ja', 'Accept-Language': 'en' });
  assert.equal(htmlLang(r.text), 'en', 'a cookie for a language not offered is passed over');
  r = await get('/');
  assert.equal(htmlLang(r.text), 'de');
  assert.ok(r.text.includes(cat.de.services));
  // one language: no choice, no switcher, no Vary on the language
  assert.equal((await api(s, 'PATCH', 'page', { body: { default_language: 'en', languages: ['en'] } })).status, 200);
  r = await get('/?lang=de', { Cookie: 'pharos_lang=de', 'Accept-Language': 'de' });
  assert.equal(htmlLang(r.text), 'en');
  assert.equal(r.headers.vary, 'Accept-Encoding');
  assert.ok(!r.text.includes('class="langs"'));
  assert.equal((await api(s, 'PATCH', 'page', { body: { languages: LANGS } })).status, 200);
});

test('each language is rendered once per snapshot: the same bytes and ETag again, 304 on revalidation', async () => {
  const a = await get('/?lang=es');
  const b = await get('/?lang=es');
  assert.equal(a.headers.etag, b.headers.etag);
  assert.notEqual(a.headers.etag, (await get('/?lang=de')).headers.etag);
  const c = await get('/?lang=es', { 'If-None-Match': a.headers.etag });
  assert.equal(c.status, 304);
});

test('the door of a private page is in the reader’s language', async () => {
  assert.equal((await api(s, 'PATCH', 'page', { body: { visibility: 'password', password: 'door-password-1' } })).status, 200);
  try {
    for (const l of ['de', 'ja']) {
      const r = await get('/', { 'Accept-Language': l });
      assert.equal(r.status, 401);
      assert.equal(htmlLang(r.text), l);
      assert.ok(r.text.includes(esc(cat[l].private_title)) && r.text.includes(esc(cat[l].password)), l);
    }
  } finally {
    assert.equal((await api(s, 'PATCH', 'page', { body: { visibility: 'public' } })).status, 200);
  }
});

test('in Chromium: each language renders, with its lang attribute and local dates in that language', async () => {
  mkdirSync(artifacts, { recursive: true });
  const profile = mkdtempSync(path.join(tmpdir(), 'pharos-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    for (const l of LANGS) {
      const page = await ctx.newPage();
      const problems = [];
      page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
      page.on('pageerror', (e) => problems.push(String(e)));
      await page.setViewportSize({ width: 1024, height: 900 });
      await page.goto(`${s.url}/?lang=${l}`);
      assert.equal(await page.getAttribute('html', 'lang'), l);
      assert.equal((await page.textContent('#h-services')).trim(), cat[l].services);
      const tz = await page.textContent('.tz');
      assert.ok(tz.startsWith(cat[l].your_tz.split('{tz}')[0]), `${l}: "${tz}"`);
      await page.screenshot({ path: path.join(artifacts, `public-lang-${l}.png`), fullPage: true });
      // the switcher goes to another language and the choice sticks (the cookie)
      const next = LANGS[(LANGS.indexOf(l) + 1) % LANGS.length];
      await page.click(`.langs a[hreflang="${next}"]`);
      await page.waitForLoadState();
      assert.equal(await page.getAttribute('html', 'lang'), next);
      await page.goto(`${s.url}/history`);
      assert.equal(await page.getAttribute('html', 'lang'), next, 'the cookie keeps the choice');
      assert.deepEqual(problems, [], l);
      await page.close();
    }
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
