// GET /calendar.ics (SPEC §15; issue 14): the page's maintenance as iCalendar (RFC 5545),
// read with a real parser (npm node-ical) and checked line by line: one VEVENT per
// maintenance that is scheduled, in progress, or completed in the last 30 days (not older
// ones, not incidents, not another page's), UIDs stable across requests and changes, times
// in UTC, SUMMARY, DESCRIPTION (plain text, escaped), URL, STATUS; lines CRLF-terminated
// and folded at 75 octets without splitting a character; ?service=ID narrows it (a
// malformed id is a 400, an unknown or hidden one a 404); text/calendar with ETag and
// 304, gzip, Cache-Control and CORS like the feeds; the status page and the subscribe page
// link it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import ical from 'node-ical';
import { api, request } from './lib/harness.mjs';
import { startTwoPages, stopClean, otherApi, dbSql, OTHER_HOST } from './lib/admin.mjs';

let s;
const ids = {};
const TITLE = 'DB, upgrade; part \\1';
// long and Unicode: folds fall among multi-byte characters
const MESSAGE = 'Größere **Wartung** — 維持管理 🛠️, ok; '.repeat(12) + '\n\nSecond paragraph: a\\b, c;d.';
const now = () => Math.floor(Date.now() / 1000);
const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const ical8601 = (t) => iso(t).replace(/[-:]/g, '');

async function post(route, body, page = api) {
  const r = await page(s, 'POST', route, { body });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

before(async () => {
  s = await startTwoPages();
  ids.api = (await post('services', { name: 'API' })).service.id;
  ids.db = (await post('services', { name: 'DB' })).service.id;
  ids.hidden = (await post('services', { name: 'Internal', hidden: true })).service.id;
  ids.theirs = (await post('services', { name: 'Theirs' }, otherApi)).service.id;
  const t = now();
  ids.t = t;
  ids.upcoming = (await post('maintenance', { title: TITLE, message: MESSAGE, scheduled_start: iso(t + 86400),
    scheduled_end: iso(t + 86400 + 7200), services: [ids.api] })).maintenance.id;
  ids.running = (await post('maintenance', { title: 'Network work', message: 'Under way.', stage: 'in_progress',
    scheduled_start: iso(t - 600), scheduled_end: iso(t + 3000), services: [ids.db, ids.hidden] })).maintenance.id;
  ids.recent = (await post('maintenance', { title: 'Disk swap', message: 'Done early.', scheduled_start: iso(t + 7200),
    scheduled_end: iso(t + 10800), services: [ids.db] })).maintenance.id;
  ids.old = (await post('maintenance', { title: 'Old work', message: 'Long ago.', scheduled_start: iso(t + 7200),
    scheduled_end: iso(t + 10800), services: [ids.db] })).maintenance.id;
  ids.gone = (await post('maintenance', { title: 'Deleted', message: 'x', scheduled_start: iso(t + 7200),
    scheduled_end: iso(t + 10800) })).maintenance.id;
  assert.equal((await api(s, 'DELETE', `maintenance/${ids.gone}`)).status, 204);
  await post('incidents', { title: 'An incident', message: 'Not maintenance.' });
  ids.their = (await post('maintenance', { title: 'Their window', message: 'Theirs.', scheduled_start: iso(t + 7200),
    scheduled_end: iso(t + 10800), services: [ids.theirs] }, otherApi)).maintenance.id;
  // completed early 10 days ago, and 40 days ago (past the calendar's 30 days)
  for (const [id, ago] of [[ids.recent, 10], [ids.old, 40]]) {
    const r = await api(s, 'POST', `maintenance/${id}/updates`, { body: { stage: 'complete', message: 'Complete.' } });
    assert.equal(r.status, 201, r.text);
    const start = t - ago * 86400;
    dbSql(s, `UPDATE events SET scheduled_start = ${start}, scheduled_end = ${start + 7200}, resolved_at = ${start + 3600}
      WHERE id = ${id}`);
  }
  // a change the snapshot hears of, so that it reads the moved rows
  assert.equal((await api(s, 'PATCH', `maintenance/${ids.upcoming}`, { body: { title: TITLE } })).status, 200);
});
after(() => stopClean(s));

const get = (path, opts = {}) => request(s, 'GET', path, opts);
// The VEVENTs of the calendar TEXT by their maintenance id, as node-ical reads them.
function events(text) {
  const out = {};
  for (const v of Object.values(ical.sync.parseICS(text))) {
    if (v.type !== 'VEVENT') continue;
    const m = /^maintenance-(\d+)@127\.0\.0\.1$/.exec(v.uid);
    assert.ok(m, `UID ${v.uid}`);
    out[m[1]] = v;
  }
  return out;
}
// Checks the lines of TEXT as RFC 5545 writes them; returns the unfolded content lines.
function lines(text) {
  const buf = Buffer.from(text, 'utf8');
  assert.ok(text.endsWith('\r\n'));
  assert.doesNotMatch(text.replace(/\r\n/g, ''), /[\r\n]/, 'every line ends in CRLF');
  const raw = text.slice(0, -2).split('\r\n');
  for (const l of raw) assert.ok(Buffer.byteLength(l, 'utf8') <= 75, `${Buffer.byteLength(l, 'utf8')} octets: ${l}`);
  // a fold never splits a character: the bytes of each line decode as they are
  for (const l of raw) assert.ok(!l.includes('\uFFFD'), `a split character in: ${l}`);
  assert.equal(Buffer.byteLength(raw.join('\r\n') + '\r\n'), buf.length);
  return text.replace(/\r\n[ \t]/g, '').split('\r\n').slice(0, -1);
}

test('GET /calendar.ics: one VEVENT per maintenance scheduled, in progress or completed in the last 30 days', async () => {
  const r = await get('/calendar.ics');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['content-type'], 'text/calendar; charset=utf-8');
  const content = lines(r.text);
  assert.deepEqual(content.slice(0, 2), ['BEGIN:VCALENDAR', 'VERSION:2.0']);
  assert.ok(content.some((l) => /^PRODID:-\/\/pharos\/\//.test(l)));
  assert.ok(content.includes('X-WR-CALNAME:Status maintenance'));
  const ev = events(r.text);
  assert.deepEqual(Object.keys(ev).map(Number).sort((a, b) => a - b), [ids.upcoming, ids.running, ids.recent].sort((a, b) => a - b),
    'not the one completed 40 days ago, the deleted one, the incident or the other page\'s');

  const up = ev[ids.upcoming];
  assert.equal(up.summary, TITLE, 'the title, unescaped by the parser');
  assert.equal(up.start.toISOString(), new Date((ids.t + 86400) * 1000).toISOString());
  assert.equal(up.end.toISOString(), new Date((ids.t + 86400 + 7200) * 1000).toISOString());
  assert.equal(up.url, `${s.url}/maintenance/${ids.upcoming}`);
  assert.equal(up.status, 'CONFIRMED');
  assert.equal(up.transparency, 'TRANSPARENT');
  const plain = MESSAGE.replace(/\*\*/g, '');
  assert.ok(up.description.startsWith(plain.split('\n\n')[0].trimEnd() + '\n\nSecond'), up.description.slice(0, 200));
  assert.ok(up.description.includes('Second paragraph: a\\b, c;d.'), 'backslash, comma and semicolon back as they were');
  assert.ok(up.description.endsWith('Status: Scheduled\nAffects: API'), up.description.slice(-80));
  // times are UTC: no TZID, a Z on every date-time
  for (const key of ['DTSTART', 'DTEND', 'DTSTAMP', 'CREATED', 'LAST-MODIFIED'])
    for (const l of content.filter((x) => x.startsWith(`${key}`)))
      assert.match(l, new RegExp(`^${key}:\\d{8}T\\d{6}Z$`));
  assert.ok(content.includes(`DTSTART:${ical8601(ids.t + 86400)}`));
  // escaping as written: \\ \; \, and \n
  assert.ok(content.includes('SUMMARY:DB\\, upgrade\\; part \\\\1'), content.find((l) => l.startsWith('SUMMARY:DB')));
  assert.ok(content.some((l) => l.startsWith('DESCRIPTION:Größere Wartung — 維持管理 🛠️\\, ok\\; ')));

  const running = ev[ids.running];
  assert.equal(running.description, 'Under way.\n\nStatus: In Progress\nAffects: DB', 'the hidden service is not named');
  assert.equal(running.status, 'CONFIRMED');
  const done = ev[ids.recent];
  assert.equal(done.status, 'CONFIRMED');
  assert.equal(done.end.getTime() - done.start.getTime(), 3600 * 1000, 'completed early: ends then');
  assert.match(done.description, /^Complete\.\n\nStatus: Complete\nAffects: DB$/);
});

test('UIDs are stable across requests and changes; the bytes change only with the maintenance', async () => {
  const a = await get('/calendar.ics');
  const b = await get('/calendar.ics');
  assert.equal(a.text, b.text);
  assert.equal(a.headers.etag, b.headers.etag);
  // an unrelated public change rebuilds the snapshot: the calendar stays byte for byte
  assert.equal((await api(s, 'PUT', `service/put/${ids.api}/degraded_performance/`)).status, 200);
  const c = await get('/calendar.ics');
  assert.equal(c.text, a.text);
  assert.equal(c.headers.etag, a.headers.etag, 'the same calendar keeps its ETag');
  const r = await api(s, 'POST', `maintenance/${ids.upcoming}/updates`, { body: { message: 'Moved to the new *rack*.' } });
  assert.equal(r.status, 201, r.text);
  const d = await get('/calendar.ics');
  assert.notEqual(d.headers.etag, a.headers.etag);
  const before = events(a.text), after = events(d.text);
  assert.deepEqual(Object.keys(after).sort(), Object.keys(before).sort());
  for (const id of Object.keys(after)) assert.equal(after[id].uid, before[id].uid);
  assert.ok(after[ids.upcoming].description.startsWith('Moved to the new rack.\n\nStatus: Scheduled'), after[ids.upcoming].description);
  assert.ok(after[ids.upcoming].dtstamp >= before[ids.upcoming].dtstamp);
});

test('?service=ID narrows it; a malformed id is a 400, an unknown or hidden one a 404', async () => {
  const api_ = await get(`/calendar.ics?service=${ids.api}`);
  assert.equal(api_.status, 200);
  assert.deepEqual(Object.keys(events(api_.text)).map(Number), [ids.upcoming]);
  assert.ok(lines(api_.text).includes('X-WR-CALNAME:Status maintenance: API'));
  const db = await get(`/calendar.ics?service=${ids.db}`);
  assert.deepEqual(Object.keys(events(db.text)).map(Number).sort(), [ids.running, ids.recent].sort());
  assert.notEqual(db.headers.etag, api_.headers.etag);
  assert.equal((await get(`/calendar.ics?service=${ids.db}`, { headers: { 'If-None-Match': db.headers.etag } })).status, 304);
  for (const bad of ['abc', '0', '-1', '1.5', '', '01', '99999999999']) {
    const r = await get(`/calendar.ics?service=${encodeURIComponent(bad)}`, { headers: { Accept: 'application/json' } });
    assert.equal(r.status, 400, `service=${bad}: ${r.status}`);
    assert.equal(r.json.error.code, 'invalid_input');
    assert.match(r.json.error.message, /^service must be a service id \(a positive whole number\), as in \/calendar\.ics\?service=3; got "/);
    assert.equal(r.headers['access-control-allow-origin'], '*');
  }
  for (const unknown of [ids.hidden, ids.theirs, 999999]) {
    const r = await get(`/calendar.ics?service=${unknown}`, { headers: { Accept: 'application/json' } });
    assert.equal(r.status, 404, `service=${unknown}`);
    assert.match(r.json.error.message, new RegExp(`^there is no service with id ${unknown} on this page`));
  }
});

test('ETag and 304, gzip, Cache-Control and CORS like the feeds', async () => {
  const origin = { Origin: 'https://calendar.example' };
  const r = await get('/calendar.ics', { headers: origin });
  assert.match(r.headers.etag, /^"[^"]+"$/);
  assert.equal(r.headers['cache-control'], 'public, no-cache, stale-if-error=86400');
  assert.equal(r.headers['access-control-allow-origin'], '*');
  assert.equal(r.headers['access-control-expose-headers'], 'ETag');
  const again = await get('/calendar.ics', { headers: { ...origin, 'If-None-Match': r.headers.etag } });
  assert.equal(again.status, 304);
  assert.equal(again.text, '');
  assert.equal(again.headers['access-control-allow-origin'], '*');
  const gz = await get('/calendar.ics', { headers: { 'Accept-Encoding': 'gzip' }, raw: true });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gz.headers.vary, 'Accept-Encoding');
  assert.equal(gunzipSync(gz.body).toString('utf8'), r.text);
  assert.equal((await get('/calendar.ics', { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': gz.headers.etag } })).status, 304);
  const o = await request(s, 'OPTIONS', '/calendar.ics', { headers: { ...origin, 'Access-Control-Request-Method': 'GET' } });
  assert.equal(o.status, 204);
  assert.equal(o.headers.allow, 'GET, HEAD, OPTIONS');
  assert.equal(o.headers['access-control-allow-origin'], '*');
  const head = await request(s, 'HEAD', '/calendar.ics');
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-type'], 'text/calendar; charset=utf-8');
});

test('each page has its own calendar', async () => {
  const r = await get('/calendar.ics', { host: OTHER_HOST });
  assert.equal(r.status, 200);
  assert.ok(lines(r.text).includes('X-WR-CALNAME:Other maintenance'));
  const ev = Object.values(ical.sync.parseICS(r.text)).filter((v) => v.type === 'VEVENT');
  assert.deepEqual(ev.map((v) => v.uid), [`maintenance-${ids.their}@${OTHER_HOST}`]);
  assert.equal(ev[0].url, `http://${OTHER_HOST}:${s.port}/maintenance/${ids.their}`);
  assert.equal((await get(`/calendar.ics?service=${ids.theirs}`, { host: OTHER_HOST })).status, 200);
});

test('the status page and the subscribe page link it', async () => {
  for (const path of ['/', '/subscribe']) {
    const r = await get(path);
    assert.equal(r.status, 200);
    assert.match(r.text, /<link rel="alternate" type="text\/calendar" title="Status maintenance \(iCalendar\)" href="\/calendar\.ics">/);
    assert.match(r.text, /<a href="\/calendar\.ics" type="text\/calendar">Maintenance calendar<\/a>/, `${path}: the footer`);
  }
  assert.match((await get('/')).text, /<a href="\/calendar\.ics" type="text\/calendar" data-calendar>Add to calendar<\/a>/);
  assert.match((await get('/subscribe')).text, /<a href="\/calendar\.ics" type="text\/calendar" data-calendar>add it to your calendar<\/a>/);
});
