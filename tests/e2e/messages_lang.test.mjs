// Messages in the subscriber's language (SPEC §16, issue 15): e-mails, texts, the
// confirmations and a URL subscriber's chat messages are written in the language stored
// with the subscriber — the catalogue's words, stages and dates in that language's forms
// (in the page's zone and UTC) — and carry an update's translation into that language
// (the event's title from the newest update that translated it), else the update's own
// text. An English subscriber gets the English text. Japanese texts go out in UCS-2 (one
// segment of 70 units), German ones in GSM-7. The links in a message open the subscriber's
// pages (preferences, unsubscribe, deleted data) in the message's language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, request } from './lib/harness.mjs';
import { stopClean } from './lib/admin.mjs';
import { startWorld, stopWorld, settled, newService, postForm } from './lib/notify.mjs';
import { gsmUnits } from './fakes/twilio.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cat = Object.fromEntries(['en', 'de', 'ja'].map((l) => [l, JSON.parse(readFileSync(path.join(root, 'locales', `${l}.json`), 'utf8'))]));
const DE_DATE = /(So|Mo|Di|Mi|Do|Fr|Sa)\., \d+\. (Jan\.|Feb\.|März|Apr\.|Mai|Juni|Juli|Aug\.|Sept\.|Okt\.|Nov\.|Dez\.) \d{4} \d\d:\d\d GMT\+\d \(\d\d:\d\d UTC\)/;
let w;
let s;
let web;

before(async () => {
  w = await startWorld({ privateTargets: false, env: { PHAROS_LIMITS_SUBSCRIBE_PER_IP_HOUR: '1000' } });
  s = w.s;
  web = (await newService(s, 'Website')).id;
  const r = await api(s, 'PATCH', 'page', { body: { languages: ['en', 'de', 'ja'], time_zone: 'Europe/Berlin' } });
  assert.equal(r.status, 200, r.text);
  for (const [channel, address, language] of [['email', 'anke@example.test', 'de'], ['email', 'bob@example.test', 'en'],
    ['sms', '+14155550101', 'ja'], ['sms', '+14155550102', 'de']]) {
    const c = await api(s, 'POST', 'subscribers', { body: { channel, address, confirmed: true, language } });
    assert.equal(c.status, 201, c.text);
  }
});
after(async () => { await stopClean(s); await stopWorld(w); });

const mailTo = (addr, re) => w.smtp.byRecipient(addr).find((m) => re.test(m.headers.subject));
const textTo = (phone, re) => w.twilio.messages.find((m) => m.to === phone && re.test(m.body));

// POSTs an incident or an update and waits until its messages are sent. Returns the incident.
async function post(route, body) {
  const r = await api(s, 'POST', route, { body });
  assert.equal(r.status, 201, r.text);
  const ups = r.json.incident.updates;
  const newest = ups.reduce((a, b) => (b.id > a.id ? b : a));
  const rows = await settled(s, newest.id);
  assert.ok(rows.length >= 2 && rows.every((x) => x.state === 'sent'), JSON.stringify(rows));
  return r.json.incident;
}

test('a German subscriber gets the German e-mail with the German translation; an English one the English text', async () => {
  const inc = await post('incidents', { title: 'Slow logins', message: 'Looking **into** it.', services: [{ id: web, status: 'degraded_performance' }],
    translations: { de: { title: 'Langsame Anmeldungen', message: 'Wir **prüfen** das.' }, ja: { title: 'ログインが遅い', message: '調査中です。' } } });
  const de = mailTo('anke@example.test', /Langsame Anmeldungen/);
  assert.ok(de, 'a German e-mail');
  assert.equal(de.headers.subject, `[Status] ${cat.de.stage_investigating}: Langsame Anmeldungen`);
  assert.match(de.text, /^Wir prüfen das\.$/m);
  assert.match(de.text, new RegExp(`^Veröffentlicht: ${DE_DATE.source}$`, 'm'), 'the time in German, in the page\'s zone and UTC');
  assert.match(de.text, /^Betroffen: Website$/m);
  assert.match(de.text, /^Abbestellen: http:\/\/\S+\/unsubscribe\//m);
  assert.ok(de.text.includes('Sie erhalten diese Nachricht, weil Sie Updates von Status abonniert haben.'));
  assert.ok(de.html.startsWith('<!doctype html>\n<html lang="de">'));
  assert.ok(de.html.includes('<p>Wir <strong>prüfen</strong> das.</p>') && de.html.includes(cat.de.email_view_incident));
  assert.ok(!/Looking|Posted|Unsubscribe|Investigating/.test(de.text + de.html), 'no English left');

  const en = mailTo('bob@example.test', /Slow logins/);
  assert.equal(en.headers.subject, '[Status] Investigating: Slow logins');
  assert.match(en.text, /^Looking into it\.$/m);
  assert.match(en.text, /^Posted: \w{3} \d+ \w{3} \d{4} \d\d:\d\d GMT\+\d \(\d\d:\d\d UTC\)$/m);
  assert.ok(en.html.includes('<html lang="en">') && !/Langsame|prüfen|Veröffentlicht/.test(en.text + en.html));
  assert.ok(!mailTo('bob@example.test', /Langsame/) && !mailTo('anke@example.test', /Slow logins/), 'one e-mail each');

  // texts: Japanese in UCS-2 within 70 units, German in GSM-7
  const ja = textTo('+14155550101', /ログインが遅い/);
  assert.ok(ja, JSON.stringify(w.twilio.messages));
  assert.ok(ja.body.startsWith(`[Status] ${cat.ja.stage_investigating}: ログインが遅い`), ja.body);
  assert.ok(ja.body.endsWith(`/incidents/${inc.id}`), 'the link whole');
  assert.ok(ja.body.length <= 70 && !ja.body.includes('?'), `${ja.body.length} units: ${ja.body}`);
  const sde = textTo('+14155550102', /Langsame Anmeldungen/);
  assert.ok(sde.body.startsWith(`[Status] ${cat.de.stage_investigating}: Langsame Anmeldungen`), sde.body);
  assert.ok(gsmUnits(sde.body) <= 160);
});

test('a later update: its own translation, the event\'s title from the one before; no translation: the own text in German words', async () => {
  const inc = (await api(s, 'POST', 'incidents', { body: { title: 'Queue delays', message: 'Checking.', notify: false,
    translations: { de: { title: 'Verzögerte Warteschlange' } } } })).json.incident;
  assert.ok(inc, 'created quietly');
  await post(`incidents/${inc.id}/updates`, { stage: 'identified', message: 'A full disk.', translations: { de: { message: 'Eine volle Platte.' } } });
  const de = mailTo('anke@example.test', /Verzögerte Warteschlange/);
  assert.equal(de.headers.subject, `[Status] ${cat.de.stage_identified}: Verzögerte Warteschlange`);
  assert.match(de.text, /^Eine volle Platte\.$/m);
  await post(`incidents/${inc.id}/updates`, { stage: 'resolved', message: 'Disk replaced.' });
  const last = mailTo('anke@example.test', new RegExp(`^\\[Status\\] ${cat.de.stage_resolved}: Verzögerte Warteschlange$`));
  assert.ok(last, 'the German title still, and the German stage');
  assert.match(last.text, /^Disk replaced\.$/m, 'no German message: the update\'s own');
  assert.match(last.text, /^Veröffentlicht: /m);
  assert.ok(mailTo('bob@example.test', /^\[Status\] Resolved: Queue delays$/));
});

test('confirmations in the language the visitor saw the page in', async () => {
  let r = await postForm(s, '/subscribe', { email: 'greta@example.test' }, { headers: { 'Accept-Language': 'de' } });
  assert.equal(r.status, 200);
  const mails = await w.smtp.waitFor((m) => m.some((x) => x.to.includes('greta@example.test')), 20000, 'the confirmation');
  const c = mails.find((x) => x.to.includes('greta@example.test'));
  assert.equal(c.headers.subject, '[Status] Bestätigen Sie Ihr Abonnement');
  assert.match(c.text, /^Bitte bestätigen Sie Ihr Abonnement der Updates von Status für greta@example\.test\.$/m);
  assert.match(c.text, /^Der Link ist 7 Tage gültig\./m);
  assert.ok(c.html.includes('<html lang="de">') && c.html.includes(`>${cat.de.email_confirm_button}</a>`));

  r = await postForm(s, '/subscribe', { phone: '+14155550103' }, { headers: { Cookie: 'pharos_lang=ja' } });
  assert.equal(r.status, 200, r.text.slice(0, 300));
  const end = Date.now() + 20000;
  let sms;
  while (!(sms = textTo('+14155550103', /./)) && Date.now() < end) await new Promise((res) => setTimeout(res, 100));
  assert.ok(sms, 'the code by SMS');
  assert.match(sms.body, new RegExp(`^\\[Status\\] ${cat.ja.sms_alerts}: 確認コードは \\d{6} です。`));
  assert.ok(sms.body.length <= 70, sms.body);
});

test('the links in a German e-mail open the preferences, unsubscribe and deletion pages in German', async () => {
  const de = mailTo('anke@example.test', /Langsame Anmeldungen/);
  const manage = /^Dienste auswählen: (\S+)$/m.exec(de.text)[1];
  assert.match(manage, /\/subscription\/\S+\?lang=de$/);
  assert.ok(!/\?lang=/.test(mailTo('bob@example.test', /Slow logins/).text), 'the default language\'s links stay plain');
  const rel = (u) => new URL(u).pathname + new URL(u).search;
  const prefs = await request(s, 'GET', rel(manage));
  assert.equal(prefs.status, 200);
  assert.match(prefs.text, /<html lang="de">/);
  for (const k of ['sub_yours', 'sub_which', 'sub_all', 'sub_only', 'sub_save', 'sub_delete'])
    assert.ok(prefs.text.includes(cat.de[k]), `the preferences page says ${k} in German`);
  assert.ok(prefs.text.includes('Updates für <strong>anke@example.test</strong> (E-Mail).'));
  const form = /name="csrf_token" value="([^"]+)"/.exec(prefs.text)[1];
  const cookie = /pharos_lang=de/.exec(prefs.headers['set-cookie'] || '');
  assert.ok(cookie, 'the language link sets the cookie, so the form\'s answer stays German');
  const saved = await postForm(s, new URL(manage).pathname, { csrf_token: form, all: '1' }, { headers: { Cookie: 'pharos_lang=de' } });
  assert.ok(saved.text.includes('Gespeichert: Sie erhalten Updates zu allen Diensten, auch später hinzugefügten.'), saved.text.slice(saved.text.indexOf('<main'), saved.text.indexOf('<main') + 1500));
  const unsub = /^Abbestellen: (\S+)$/m.exec(de.text)[1];
  const page = await request(s, 'GET', rel(unsub));
  assert.ok(page.text.includes('Alle Benachrichtigungen an <strong>anke@example.test</strong> beenden?'));
  const done = await request(s, 'POST', rel(unsub), { body: 'List-Unsubscribe=One-Click', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(done.status, 200);
  assert.ok(done.text.includes(`>${cat.de.unsub_done_title}</h1>`), 'one-click unsubscribe, in German');
  const again = await request(s, 'GET', rel(manage));
  assert.ok(again.text.includes(cat.de.sub_state_unsubscribed) && again.text.includes(cat.de.sub_again));
  const deleted = await request(s, 'GET', '/subscribe/deleted?lang=de');
  assert.ok(deleted.text.includes(`>${cat.de.deleted_title}</h1>`) && deleted.text.includes('Sie können jederzeit <a href="/subscribe">erneut abonnieren</a>.'));
});
