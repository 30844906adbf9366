// Languages (SPEC §16): the public page, history, incident pages, error page, door and
// feeds in en, de, fr, es, pt-BR and ja. A reader's language comes from ?lang= (which sets
// a cookie), then the cookie, then Accept-Language (q-values), else the page's default,
// among the languages the page offers only; <html lang> and Content-Language say it; Vary
// names Cookie and Accept-Language unless the URL chose. Every text of the catalogue the
// page uses is there in each language (no key left empty), dates and uptime figures are
// written the language's way, and each language is a snapshot entry of its own (the
// same ETag twice). In Chromium each language is screenshotted to test-artifacts/.
// An update's translations (API and the console's editor) are shown to readers of that
// language, the update's own text to the others; bad translations are refused with 400.
// A subscriber's language is the one they saw the page in when they signed up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startWithToken, api, request } from './lib/harness.mjs';
import { stopClean, assertError, unchangedBy } from './lib/admin.mjs';
import { Console, idFrom } from './admin_console.mjs';
import { startWorld, stopWorld, postForm } from './lib/notify.mjs';

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
      assert.ok(r.text.includes(esc(cat[l].door_password)), `${l}: what the door asks`);
    }
    // a wrong password is said in the reader's language too
    const door = await get('/', { 'Accept-Language': 'de' });
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(door.text)[1];
    const wrong = await postForm(s, '/access', { csrf_token: csrf, next: '/', password: 'not-it-at-all' }, { headers: { 'Accept-Language': 'de' } });
    assert.equal(wrong.status, 401);
    assert.ok(wrong.text.includes(`role="alert">${esc(cat.de.door_wrong_password)}</p>`), 'Falsches Passwort.');
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

test('an update’s translations reach readers of that language; the others get its own text', async () => {
  const web = (await api(s, 'GET', 'services')).json.services[0].id;
  const r = await api(s, 'POST', 'incidents', { body: { title: 'Payments failing', message: 'We are **looking**.',
    services: [{ id: web, status: 'partial_outage' }],
    translations: { de: { title: 'Zahlungen schlagen fehl', message: 'Wir **prüfen** das.' }, JA: { message: '調査中です。' } } } });
  assert.equal(r.status, 201, r.text);
  const id = r.json.incident?.id ?? r.json.id;
  const inc = (await api(s, 'GET', `incidents/${id}`)).json;
  const ev = inc.incident ?? inc;
  assert.deepEqual(ev.updates[0].translations, { de: { message: 'Wir **prüfen** das.', title: 'Zahlungen schlagen fehl' }, ja: { message: '調査中です。' } });
  const up = await api(s, 'POST', `incidents/${id}/updates`, { body: { stage: 'identified', message: 'Found the cause.',
    translations: { de: { message: 'Ursache gefunden.' } } } });
  assert.equal(up.status, 201, up.text);

  const de = (await get(`/incidents/${id}?lang=de`)).text;
  assert.ok(de.includes('Zahlungen schlagen fehl') && !de.includes('Payments failing'), 'the German title');
  assert.ok(de.includes('<p>Wir <strong>prüfen</strong> das.</p>') && de.includes('Ursache gefunden.'));
  assert.ok(!de.includes('We are') && !de.includes('Found the cause.'));
  assert.ok((await get('/?lang=de')).text.includes('Zahlungen schlagen fehl'), 'on the status page too');
  const ja = (await get(`/incidents/${id}`, { 'Accept-Language': 'ja' })).text;
  assert.ok(ja.includes('Payments failing'), 'no Japanese title: the own one');
  assert.ok(ja.includes('調査中です。') && ja.includes('Found the cause.'), 'the translated update, the own text of the other');
  for (const l of ['en', 'fr']) {
    const t = (await get(`/incidents/${id}?lang=${l}`)).text;
    assert.ok(t.includes('Payments failing') && t.includes('We are <strong>looking</strong>.') && !t.includes('Zahlungen'), l);
  }
  const feed = (await get('/feed?lang=de')).text;
  assert.ok(feed.includes('Zahlungen schlagen fehl') && feed.includes('Ursache gefunden.'), 'the German feed');
  assert.equal((await api(s, 'POST', `incidents/${id}/updates`, { body: { stage: 'resolved', message: 'Fixed.' } })).status, 201);
});

test('bad translations are refused with 400 and change nothing', async () => {
  const id = (await api(s, 'POST', 'maintenance', { body: { title: 'DB upgrade', message: 'Upgrading.',
    scheduled_start: new Date(Date.now() + 86400e3).toISOString(), scheduled_end: new Date(Date.now() + 90000e3).toISOString(),
    translations: { fr: { title: 'Mise à niveau de la base' } } } })).json;
  const mid = id.maintenance?.id ?? id.id;
  assert.ok(mid, JSON.stringify(id));
  assert.ok((await get(`/maintenance/${mid}?lang=fr`)).text.includes('Mise à niveau de la base'));
  await unchangedBy(s, async () => [(await api(s, 'GET', 'incidents')).json, (await api(s, 'GET', `maintenance/${mid}`)).json], async () => {
    const bad = async (route, body, pattern) => assertError(await api(s, 'POST', route, { body }), 400, 'invalid_input', pattern);
    const inc = { title: 'T', message: 'M' };
    await bad('incidents', { ...inc, translations: { en: { title: 'x' } } }, /^translations: en is the page's default language \(the update's own text\); the page's other languages: de, fr, es, pt-BR, ja$/);
    await bad('incidents', { ...inc, translations: { xx: { title: 'x' } } }, /^translations: "xx" is not a language this page offers/);
    await bad('incidents', { ...inc, translations: { de: { title: 't'.repeat(201) } } }, /^translations\.de\.title is 201 characters long; at most 200/);
    await bad('incidents', { ...inc, translations: { de: { message: 'm'.repeat(20001) } } }, /^translations\.de\.message is 20001 characters long; at most 20000/);
    await bad('incidents', { ...inc, translations: { de: {} } }, /^translations\.de has neither a title nor a message$/);
    await bad('incidents', { ...inc, translations: { de: { body: 'x' } } }, /^translations\.de: unknown field "body"; accepted fields: title, message$/);
    await bad('incidents', { ...inc, translations: 'de' }, /^translations must be an object of languages/);
    await bad(`maintenance/${mid}/updates`, { message: 'x', translations: { es: { title: 'a\nb' } } }, /^translations\.es\.title contains a control character/);
  });
  // a language no longer offered is refused
  assert.equal((await api(s, 'PATCH', 'page', { body: { languages: ['en', 'de'] } })).status, 200);
  assertError(await api(s, 'POST', `maintenance/${mid}/updates`, { body: { message: 'x', translations: { fr: { message: 'y' } } } }),
    400, 'invalid_input', /^translations: "fr" is not a language this page offers; its other languages: de$/);
  assert.equal((await api(s, 'PATCH', 'page', { body: { languages: LANGS } })).status, 200);
});

test('the console’s incident editor takes translations per update, for the page’s other languages', async () => {
  const c = new Console(s);
  await c.setup('owner@example.com', 'password-123', 'Olive Owner');
  const form = (await c.get('/admin/incidents/new')).text;
  for (const l of LANGS.slice(1)) {
    assert.ok(form.includes(`name="tr_${l}_title"`) && form.includes(`name="tr_${l}_message"`), `fields for ${l}`);
  }
  assert.ok(!form.includes('name="tr_en_title"'), 'none for the default language');
  const created = await c.post('/admin/incidents', { title: 'Login errors', message: 'Looking.', stage: 'investigating', notify: '1',
    tr_de_title: 'Anmeldefehler', tr_de_message: 'Wir sehen nach.', tr_ja_title: '', tr_ja_message: '' });
  assert.equal(created.status, 303, created.text);
  const id = idFrom(created);
  const upd = await c.post(`/admin/incidents/${id}/updates`, { stage: 'identified', message: 'Found it.', notify: '1', tr_es_message: 'Lo encontramos.' });
  assert.equal(upd.status, 303, upd.text);
  const ev = (await api(s, 'GET', `incidents/${id}`)).json;
  const ups = (ev.incident ?? ev).updates;
  assert.deepEqual(ups.map((u) => u.translations), [{ de: { message: 'Wir sehen nach.', title: 'Anmeldefehler' } }, { es: { message: 'Lo encontramos.' } }]);
  assert.ok((await get(`/incidents/${id}?lang=de`)).text.includes('Anmeldefehler'));
  assert.ok((await get(`/incidents/${id}?lang=es`)).text.includes('Lo encontramos.'));
  // the timeline shows each update's translations
  const screen = (await c.get(`/admin/incidents/${id}`)).text;
  assert.match(screen, /<div lang="de" data-translation="de"><p><span class="tag">Deutsch<\/span> <strong>Anmeldefehler<\/strong><\/p><div class="markdown"><p>Wir sehen nach\.<\/p>/);
  assert.match(screen, /<div lang="es" data-translation="es"><p><span class="tag">Español<\/span><\/p><div class="markdown"><p>Lo encontramos\.<\/p>/);
  assert.equal([...screen.matchAll(/<details class="tl-translations">/g)].length, 2, 'one list per translated update');
  // a bad one is shown again with the message, and nothing is posted
  const bad = await c.post(`/admin/incidents/${id}/updates`, { stage: 'monitoring', message: 'Watching.', notify: '1', tr_fr_title: 'x'.repeat(201) });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /translations\.fr\.title is 201 characters long/);
  assert.match(bad.text, new RegExp(`value="${'x'.repeat(201)}"`), 'the form keeps what was typed');
  assert.equal((await api(s, 'GET', `incidents/${id}`)).json.incident.updates.length, 2, 'nothing posted');
});

test('a subscriber’s language is stored at sign-up from the page’s language, and shown by the API', async () => {
  const w = await startWorld({ privateTargets: false, env: { PHAROS_LIMITS_SUBSCRIBE_PER_IP_HOUR: '1000' } });
  try {
    assert.equal((await api(w.s, 'PATCH', 'page', { body: { languages: ['en', 'de', 'ja'] } })).status, 200);
    const signUp = async (email, headers) => {
      const r = await postForm(w.s, '/subscribe', { email }, { headers });
      assert.equal(r.status, 200, r.text.slice(0, 300));
    };
    await signUp('anke@example.test', { 'Accept-Language': 'de-DE,de;q=0.9' });
    await signUp('kenji@example.test', { Cookie: 'pharos_lang=ja', 'Accept-Language': 'de' });
    await signUp('fran@example.test', { 'Accept-Language': 'fr' }); // not offered: the default
    // the form and its answer are in the reader's language
    for (const l of ['de', 'ja']) {
      const f = await request(w.s, 'GET', `/subscribe?lang=${l}`);
      assert.equal(htmlLang(f.text), l);
      for (const k of ['sub_title', 'sub_by_email', 'sub_email_label', 'sub_choose', 'sub_calendar_link'])
        assert.ok(f.text.includes(esc(cat[l][k])), `${l}: ${k}`);
    }
    const sent = await postForm(w.s, '/subscribe', { email: 'jun@example.test' }, { headers: { Cookie: 'pharos_lang=ja' } });
    assert.ok(sent.text.includes(`${cat.ja.sub_sent_email.split('{email}')[0]}<strong>jun@example.test</strong>`), 'the answer in Japanese');
    const subs = (await api(w.s, 'GET', 'subscribers?limit=500')).json.subscribers;
    const lang = (a) => subs.find((x) => x.address === a)?.language;
    assert.equal(lang('anke@example.test'), 'de');
    assert.equal(lang('kenji@example.test'), 'ja');
    assert.equal(lang('fran@example.test'), 'en');
    assert.equal(lang('jun@example.test'), 'ja');
    // through the API: a language, or the page's default
    assert.equal((await api(w.s, 'PATCH', 'page', { body: { default_language: 'de' } })).status, 200);
    let r = await api(w.s, 'POST', 'subscribers', { body: { channel: 'email', address: 'pt@example.test', confirmed: true, language: 'pt-br' } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.subscriber.language, 'pt-BR');
    r = await api(w.s, 'POST', 'subscribers', { body: { channel: 'email', address: 'de@example.test', confirmed: true } });
    assert.equal(r.json.subscriber.language, 'de');
    assertError(await api(w.s, 'POST', 'subscribers', { body: { channel: 'email', address: 'x@example.test', confirmed: true, language: 'xx' } }),
      400, 'invalid_input', /^language must be one of en, de, fr, es, pt-BR, ja$/);
    const x = await api(w.s, 'GET', `subscribers/${r.json.subscriber.id}/export`);
    assert.equal(x.json.subscriber.language, 'de', 'the export has it too');
  } finally {
    await stopClean(w.s);
    await stopWorld(w);
  }
});
