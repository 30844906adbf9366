// The public status page (SPEC §6, issue 3): HTML hooks, escaping, Statuspage v2
// JSON shapes, RSS and Atom checked with xmllint, the badge, ETags and 304s, gzip,
// history pagination, pages by Host, and that a change shows on the very next request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import net from 'node:net';
import { startServer, cli, tempDir, api, request } from './lib/harness.mjs';
import { dbSql } from './lib/admin.mjs';
import { xmllint as xmllintArgs, xpath } from './lib/xml.mjs';
const xmllint = (text, args = []) => xmllintArgs(text, ['--noout', ...args]);

const here = path.dirname(fileURLToPath(import.meta.url));
let s;
const ids = {};

before(async () => {
  const dataDir = tempDir();
  const t = cli(['token', 'create', '--name', 'e2e'], { dataDir });
  assert.equal(t.code, 0, t.stderr);
  const p = cli(['page', 'add', '--slug', 'other', '--title', 'Other Co', '--host', 'status.other.test'], { dataDir });
  assert.equal(p.code, 0, p.stderr);
  s = await startServer({ dataDir });
  s.token = t.stdout.trim();
  const post = async (route, body) => {
    const r = await api(s, 'POST', route, { body });
    assert.ok(r.status === 201 || r.status === 200, `${route}: ${r.text}`);
    return r.json;
  };
  ids.group = (await post('groups', { name: 'Core' })).group.id;
  ids.web = (await post('services', { name: 'Website' })).service.id;
  ids.api = (await post('services', { name: 'API', group_id: ids.group })).service.id;
  ids.db = (await post('services', { name: 'Database', group_id: ids.group })).service.id;
  ids.hidden = (await post('services', { name: 'Secret thing', hidden: true })).service.id;
  ids.inc = (await post('incidents', { title: '<img src=x onerror=alert(1)>',
    message: 'We are *looking* <script>alert(2)</script>', services: [{ id: ids.api, status: 'partial_outage' }] })).incident.id;
  await post(`incidents/${ids.inc}/updates`, { stage: 'monitoring', message: 'A fix is out.' });
  const start = new Date(Date.now() + 86400e3).toISOString().replace(/\.\d+Z/, 'Z');
  const end = new Date(Date.now() + 90000e3).toISOString().replace(/\.\d+Z/, 'Z');
  ids.mnt = (await post('maintenance', { title: 'DB upgrade', message: 'Upgrading.', scheduled_start: start,
    scheduled_end: end, services: [ids.db] })).maintenance.id;
  ids.active = (await post('maintenance', { title: 'Network work', message: 'Started.', scheduled_start: start,
    scheduled_end: end, services: [ids.web], stage: 'in_progress' })).maintenance.id;
  await post(`maintenance/${ids.active}/updates`, { stage: 'verification', message: 'Verifying.' });
  ids.old = (await post('incidents', { title: 'Old outage', message: 'Down.', services: [{ id: ids.web, status: 'major_outage' }] })).incident.id;
  await post(`incidents/${ids.old}/updates`, { stage: 'resolved', message: 'Up again.' });
});
after(async () => { await s.stop(); s.cleanup(); });

const get = (p, opts = {}) => request(s, 'GET', p, opts);
const attr = (html, re) => [...html.matchAll(re)].map((m) => m[1]);

test('the page carries the HTML hooks of SPEC §6 and escapes stored text', async () => {
  const r = await get('/');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/html/);
  const html = r.text;
  assert.deepEqual(attr(html, /data-overall-status="([^"]+)"/g), ['partial_outage']);
  const rows = [...html.matchAll(/data-service-id="(\d+)" data-status="([a-z_]+)"/g)].map((m) => [Number(m[1]), m[2]]);
  assert.deepEqual(rows, [[ids.web, 'under_maintenance'], [ids.api, 'partial_outage'], [ids.db, 'operational']],
    'visible services in page order with their statuses; the hidden one is absent');
  assert.ok(!html.includes('Secret thing'));
  const events = attr(html, /data-event-id="(\d+)"/g).map(Number);
  for (const id of [ids.inc, ids.mnt, ids.active, ids.old]) assert.ok(events.includes(id), `event ${id} shown`);
  assert.ok(!html.includes('<img src=x'), 'title escaped');
  assert.ok(html.includes('&lt;img src&#61;x onerror&#61;alert(1)&gt;'));
  assert.ok(!html.includes('<script>alert'), 'raw HTML of Markdown dropped');
  assert.ok(html.includes('<em>looking</em>'), 'Markdown rendered');
  assert.match(html, /Partial Outage/);
  assert.match(html, /90 days ago/);
  assert.equal((html.match(/<li class="d-[omdpxn]"/g) || []).length, 3 * 90, '90 day bars per service');
  assert.match(html, /href="\/subscribe"/);
  assert.match(html, /href="\/feed"/);
  assert.match(html, /href="\/feed.atom"/);
  assert.ok(!/<script>|style=|<style/.test(html), 'no inline script or style (CSP)');
});

test('event pages show the whole timeline; unknown ids get the 404 page in the layout', async () => {
  const r = await get(`/incidents/${ids.inc}`);
  assert.equal(r.status, 200);
  assert.match(r.text, new RegExp(`data-event-id="${ids.inc}"`));
  assert.match(r.text, /Monitoring/);
  assert.match(r.text, /Investigating/);
  assert.match(r.text, /A fix is out\./);
  const m = await get(`/maintenance/${ids.active}`);
  assert.equal(m.status, 200);
  assert.match(m.text, /Verification/);
  for (const p of [`/maintenance/${ids.inc}`, '/incidents/999999', '/incidents/abc', '/nope']) {
    const n = await get(p);
    assert.equal(n.status, 404, p);
    assert.match(n.headers['content-type'], /^text\/html/);
    assert.match(n.text, /This page does not exist/);
    assert.match(n.text, /<header class="site"/, 'in the public layout');
  }
});

test('Statuspage v2 JSON: endpoints, keys and vocabularies', async () => {
  const eps = ['summary', 'status', 'components', 'incidents', 'incidents/unresolved', 'scheduled-maintenances',
    'scheduled-maintenances/upcoming', 'scheduled-maintenances/active'];
  const docs = {};
  for (const e of eps) {
    const r = await get(`/api/v2/${e}.json`);
    assert.equal(r.status, 200, e);
    assert.match(r.headers['content-type'], /^application\/json/);
    assert.ok(r.headers.etag);
    docs[e] = r.json;
    assert.deepEqual(Object.keys(r.json.page).sort(), ['id', 'name', 'time_zone', 'updated_at', 'url']);
    assert.equal(typeof r.json.page.id, 'string');
  }
  assert.deepEqual(Object.keys(docs.summary).sort(), ['components', 'incidents', 'page', 'scheduled_maintenances', 'status']);
  assert.deepEqual(docs.status.status, { indicator: 'major', description: 'Partial System Outage' });
  const comps = docs.components.components;
  const COMPONENT_KEYS = ['created_at', 'description', 'group', 'group_id', 'id', 'name', 'only_show_if_degraded',
    'page_id', 'position', 'showcase', 'start_date', 'status', 'updated_at'];
  for (const c of comps) {
    for (const k of COMPONENT_KEYS) assert.ok(k in c, `component has ${k}`);
    assert.equal(typeof c.id, 'string');
    assert.ok(['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'].includes(c.status));
  }
  const group = comps.find((c) => c.group);
  assert.ok(group, 'the group is a component with group: true');
  assert.equal(group.name, 'Core');
  assert.deepEqual(group.components.sort(), [String(ids.api), String(ids.db)].sort());
  assert.equal(group.status, 'partial_outage');
  assert.equal(comps.find((c) => c.id === String(ids.api)).group_id, group.id);
  assert.ok(!comps.some((c) => c.name === 'Secret thing'));

  const unresolved = docs['incidents/unresolved'].incidents;
  assert.deepEqual(unresolved.map((i) => i.id), [String(ids.inc)]);
  const inc = unresolved[0];
  for (const k of ['id', 'name', 'status', 'created_at', 'updated_at', 'monitoring_at', 'resolved_at', 'impact',
    'shortlink', 'started_at', 'page_id', 'incident_updates', 'components']) assert.ok(k in inc, `incident has ${k}`);
  assert.equal(inc.status, 'monitoring');
  assert.equal(inc.impact, 'major');
  assert.ok(inc.monitoring_at);
  assert.equal(inc.resolved_at, null);
  assert.equal(inc.name, '<img src=x onerror=alert(1)>', 'JSON carries the text itself');
  assert.deepEqual(inc.incident_updates.map((u) => u.status), ['monitoring', 'investigating']);
  const u = inc.incident_updates[1];
  for (const k of ['id', 'status', 'body', 'incident_id', 'created_at', 'updated_at', 'display_at', 'affected_components'])
    assert.ok(k in u, `update has ${k}`);
  assert.equal(u.incident_id, String(ids.inc));
  assert.equal(u.body, 'We are looking alert(2)', 'the text as the pages show it: Markdown rendered as text, raw HTML tags dropped');
  assert.doesNotMatch(JSON.stringify(docs), /<script/i, 'no raw HTML tag in any v2 document');
  assert.deepEqual(u.affected_components, [{ code: String(ids.api), name: 'API', old_status: 'operational', new_status: 'partial_outage' }]);
  assert.deepEqual(inc.components.map((c) => c.id), [String(ids.api)]);
  assert.match(inc.shortlink, new RegExp(`/incidents/${ids.inc}$`));

  const all = docs.incidents.incidents.map((i) => [i.id, i.status]);
  assert.deepEqual(all, [[String(ids.old), 'resolved'], [String(ids.inc), 'monitoring']]);
  const up = docs['scheduled-maintenances/upcoming'].scheduled_maintenances;
  assert.deepEqual(up.map((m) => [m.id, m.status]), [[String(ids.mnt), 'scheduled']]);
  assert.match(up[0].scheduled_for, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(up[0].scheduled_until, /Z$/);
  const act = docs['scheduled-maintenances/active'].scheduled_maintenances;
  assert.deepEqual(act.map((m) => [m.id, m.status]), [[String(ids.active), 'verifying']]);
  assert.equal(docs['scheduled-maintenances'].scheduled_maintenances.length, 2);
  assert.equal(docs.summary.scheduled_maintenances.length, 2);
  assert.deepEqual(docs.summary.incidents.map((i) => i.id), [String(ids.inc)]);
  assert.equal((await get('/api/v2/nothing.json')).status, 404);
});

test('RSS 2.0 and Atom 1.0: valid, one item per update, stable GUIDs', async () => {
  const rss = await get('/feed');
  assert.equal(rss.status, 200);
  assert.match(rss.headers['content-type'], /^application\/rss\+xml/);
  const lint = xmllint(rss.text);
  assert.equal(lint.status, 0, lint.stderr);
  assert.equal(xpath(rss.text, 'string(/rss/@version)'), '2.0');
  for (const el of ['title', 'link', 'description']) assert.ok(xpath(rss.text, `string(/rss/channel/${el})`), `channel ${el}`);
  const n = Number(xpath(rss.text, 'count(/rss/channel/item)'));
  assert.equal(n, 7, 'one item per update: 2 + 1 + 2 + 2');
  assert.equal(Number(xpath(rss.text, 'count(/rss/channel/item[title and link and guid and pubDate and description])')), n);
  const guids = xpath(rss.text, '/rss/channel/item/guid/text()').split('\n');
  assert.equal(new Set(guids).size, n, 'GUIDs are unique');
  for (const g of guids) assert.match(g, /^http:\/\/127\.0\.0\.1:\d+\/(incidents|maintenance)\/\d+#update-\d+$/);
  for (const d of xpath(rss.text, '/rss/channel/item/pubDate/text()').split('\n'))
    assert.match(d, /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0000$/);
  assert.ok(rss.text.includes('&lt;img src=x onerror=alert(1)&gt;'), 'titles escaped in XML');

  const atom = await get('/feed.atom');
  assert.equal(atom.status, 200);
  assert.match(atom.headers['content-type'], /^application\/atom\+xml/);
  const v = xmllint(atom.text, ['--relaxng', path.join(here, 'lib/atom.rng')]);
  assert.equal(v.status, 0, v.stderr);
  const aguids = atom.text.match(/<id>[^<]*#update-\d+<\/id>/g);
  assert.equal(aguids.length, n);
  // The same GUIDs next time (stable), newest first.
  const again = await get('/feed');
  assert.deepEqual(xpath(again.text, '/rss/channel/item/guid/text()').split('\n'), guids);
  const nums = guids.map((g) => Number(g.split('#update-')[1]));
  assert.deepEqual([...nums].sort((a, b) => b - a), nums, 'newest first');
});

test('badge: SVG with the overall status, escaped', async () => {
  const r = await get('/badge.svg');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'image/svg+xml');
  assert.equal(xmllint(r.text).status, 0);
  assert.match(r.text, /<text[^>]*>Partial Outage<\/text>/);
  assert.match(r.text, /aria-label="status: Partial Outage"/);
});

test('ETag and If-None-Match answer 304; gzip when accepted, the same bytes', async () => {
  for (const p of ['/', '/feed', '/feed.atom', '/badge.svg', '/api/v2/summary.json', `/incidents/${ids.inc}`, '/history']) {
    const a = await get(p);
    assert.equal(a.status, 200, p);
    const etag = a.headers.etag;
    assert.match(etag, /^"[^"]+"$/, p);
    assert.equal(a.headers['cache-control'], 'public, no-cache, stale-if-error=86400');
    const b = await get(p, { headers: { 'If-None-Match': etag } });
    assert.equal(b.status, 304, p);
    assert.equal(b.text, '');
    assert.equal(b.headers.etag, etag);
    const c = await get(p, { headers: { 'If-None-Match': '"other"' } });
    assert.equal(c.status, 200);
  }
  // HEAD: the headers of GET, no body (the length is that of the body GET sends).
  for (const p of ['/', '/badge.svg']) {
    const g = await get(p, { raw: true });
    const h = await request(s, 'HEAD', p, { raw: true });
    assert.equal(h.status, 200);
    assert.equal(h.body.length, 0);
    assert.equal(Number(h.headers['content-length']), g.body.length, p);
    assert.equal(h.headers.etag, g.headers.etag);
    // On the wire: nothing follows the HEAD answer's headers but the next answer.
    const wire = await new Promise((resolve, reject) => {
      const c = net.connect(s.port, '127.0.0.1');
      let got = '';
      c.on('data', (d) => { got += d.toString('latin1'); });
      c.on('end', () => resolve(got));
      c.on('error', reject);
      c.write(`HEAD ${p} HTTP/1.1\r\nHost: x\r\n\r\nGET /badge.svg HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    });
    const first = wire.indexOf('\r\n\r\n');
    assert.ok(wire.startsWith('HTTP/1.1 200'), wire.slice(0, 40));
    assert.ok(wire.startsWith('HTTP/1.1 200', first + 4), `HEAD ${p} sent a body`);
  }
  const plain = await get('/', { raw: true });
  const gz = await get('/', { raw: true, headers: { 'Accept-Encoding': 'br, gzip;q=0.8' } });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.match(gz.headers.vary, /Accept-Encoding/);
  assert.ok(gz.body.length < plain.body.length / 3, `compressed ${gz.body.length} of ${plain.body.length}`);
  assert.ok(gunzipSync(gz.body).equals(plain.body), 'gzip decompresses to the same page');
  assert.notEqual(gz.headers.etag, plain.headers.etag);
  const gz304 = await get('/', { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': gz.headers.etag } });
  assert.equal(gz304.status, 304);
  const refused = await get('/', { raw: true, headers: { 'Accept-Encoding': 'gzip;q=0, identity' } });
  assert.equal(refused.headers['content-encoding'], undefined);
  // A change makes a new ETag.
  await api(s, 'PUT', `service/put/${ids.db}/degraded/`);
  const after = await get('/');
  assert.notEqual(after.headers.etag, plain.headers.etag);
  assert.equal((await get('/', { headers: { 'If-None-Match': plain.headers.etag } })).status, 200);
  await api(s, 'PUT', `service/put/${ids.db}/operational/`);
});

test('a status change is visible on the very next request, 50 times in a row', async () => {
  const statuses = ['major_outage', 'operational', 'degraded_performance', 'partial_outage', 'under_maintenance'];
  for (let i = 0; i < 50; i++) {
    const want = statuses[i % statuses.length];
    const r = await api(s, 'PUT', `service/put/${ids.db}/${want}/`);
    assert.equal(r.status, 200);
    const page = await get('/');
    const m = new RegExp(`data-service-id="${ids.db}" data-status="([a-z_]+)"`).exec(page.text);
    assert.equal(m && m[1], want, `round ${i}`);
    const js = await get('/api/v2/components.json');
    assert.equal(js.json.components.find((c) => c.id === String(ids.db)).status, want, `JSON round ${i}`);
  }
  await api(s, 'PUT', `service/put/${ids.db}/operational/`);
  // Page settings too: the brand colour reaches /brand.css at once, a bad one never does.
  await api(s, 'PATCH', 'page', { body: { brand_color: '#7c3aed' } });
  assert.match((await get('/brand.css')).text, /--brand:#7c3aed/);
});

test('history is paginated, newest first; pages past the end are 404', async () => {
  for (let i = 0; i < 12; i++) {
    const c = await api(s, 'POST', 'incidents', { body: { title: `History ${i}`, message: 'x', notify: false } });
    assert.equal(c.status, 201, c.text);
    const r = await api(s, 'POST', `incidents/${c.json.incident.id}/updates`, { body: { stage: 'resolved', message: 'ok', notify: false } });
    assert.ok(r.status === 200 || r.status === 201, r.text);
  }
  const p1 = await get('/history');
  assert.equal(p1.status, 200);
  const first = attr(p1.text, /data-event-id="(\d+)"/g);
  assert.equal(first.length, 10);
  assert.match(p1.text, /Page 1 of 2/);
  assert.match(p1.text, /href="\/history\?page(=|&#61;)2"/);
  const same = await get('/history?page=1');
  assert.deepEqual(attr(same.text, /data-event-id="(\d+)"/g), first);
  const p2 = await get('/history?page=2');
  assert.equal(p2.status, 200);
  const second = attr(p2.text, /data-event-id="(\d+)"/g);
  assert.equal(second.length, 3, '12 + 1 closed events');
  assert.ok(second.includes(String(ids.old)), 'the oldest closed event is last');
  assert.ok(!second.some((id) => first.includes(id)));
  assert.match(p2.text, /href="\/history\?page(=|&#61;)1"/);
  for (const q of ['3', '0', 'abc', '-1']) assert.equal((await get(`/history?page=${q}`)).status, 404, q);
});

test('history pages past the snapshot are rendered on demand, cached, and current', async () => {
  // 13 closed events so far; 18 more make 4 pages (the snapshot holds the first 3).
  for (let i = 0; i < 18; i++) {
    const c = await api(s, 'POST', 'incidents', { body: { title: `Older ${i}`, message: 'x', notify: false } });
    assert.equal(c.status, 201, c.text);
    const r = await api(s, 'POST', `incidents/${c.json.incident.id}/updates`, { body: { stage: 'resolved', message: 'ok', notify: false } });
    assert.ok(r.status === 200 || r.status === 201, r.text);
  }
  const a = await get('/history?page=4');
  assert.equal(a.status, 200);
  assert.match(a.text, /Page 4 of 4/);
  const ev = attr(a.text, /data-event-id="(\d+)"/g);
  assert.deepEqual(ev, [String(ids.old)], 'the oldest closed event is alone on the last page');
  const b = await get('/history?page=4', { headers: { 'If-None-Match': a.headers.etag } });
  assert.equal(b.status, 304, 'the on-demand page keeps its ETag');
  // A new closed event moves everything down a slot: page 4 changes on the next request.
  const c = await api(s, 'POST', 'incidents', { body: { title: 'Newest', message: 'x', notify: false } });
  await api(s, 'POST', `incidents/${c.json.incident.id}/updates`, { body: { stage: 'resolved', message: 'ok', notify: false } });
  const d = await get('/history?page=4', { headers: { 'If-None-Match': a.headers.etag } });
  assert.equal(d.status, 200);
  assert.equal(attr(d.text, /data-event-id="(\d+)"/g).length, 2);
  assert.equal((await get('/history?page=5')).status, 404);
});

test('each Host gets its own page; nothing of another page shows', async () => {
  const r = await get('/', { host: 'status.other.test' });
  assert.equal(r.status, 200);
  assert.match(r.text, /<title>Other Co<\/title>/);
  assert.deepEqual(attr(r.text, /data-overall-status="([^"]+)"/g), ['operational']);
  assert.equal(attr(r.text, /data-service-id="(\d+)"/g).length, 0);
  assert.equal((await get(`/incidents/${ids.inc}`, { host: 'status.other.test' })).status, 404);
  const js = await get('/api/v2/summary.json', { host: 'status.other.test:8080' });
  assert.equal(js.json.page.name, 'Other Co');
  assert.equal(js.json.components.length, 0);
});

test('pharos export writes the public files as a static site with relative links', async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'pharos-export-'));
  try {
    const r = cli(['export', '--out', out, '--base-url', 'https://status.example.com'], { dataDir: s.dataDir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /exported \d+ files/);
    const read = (f) => spawnSync('cat', [path.join(out, f)], { encoding: 'utf8' });
    const index = read('index.html');
    assert.equal(index.status, 0);
    assert.match(index.stdout, /data-overall-status="operational"|data-overall-status="[a-z_]+"/);
    const hrefs = attr(index.stdout, /(?:href|src)="([^"]+)"/g);
    for (const h of hrefs) assert.ok(!h.startsWith('/'), `relative link: ${h}`);
    assert.ok(hrefs.includes(`incidents/${ids.inc}/index.html`));
    assert.ok(hrefs.includes('https://status.example.com/subscribe'));
    const ev = read(`incidents/${ids.inc}/index.html`).stdout;
    assert.match(ev, /href="\.\.\/\.\.\/static\/public\.[0-9a-f]{8}\.css"/);
    for (const f of ['history/1/index.html', 'history/2/index.html', 'feed.xml', 'feed.atom', 'badge.svg', 'brand.css',
      'static/public.css', 'static/public.js', 'api/v2/summary.json', 'api/v2/incidents/unresolved.json',
      `maintenance/${ids.mnt}/index.html`, `incidents/${ids.old}/index.html`]) {
      assert.equal(read(f).status, 0, f);
    }
    assert.equal(xmllint(read('feed.xml').stdout).status, 0);
    assert.equal(JSON.parse(read('api/v2/status.json').stdout).page.url, 'https://status.example.com');
    // the maintenance calendar too, linked relatively, its links absolute
    assert.ok(hrefs.includes('calendar.ics'));
    assert.match(read('calendar.ics').stdout, new RegExp(`\r\nURL:https://status\\.example\\.com/maintenance/${ids.mnt}\r\n`));
    // Another page's export links to that page's own URL: its host with base_url's scheme (SPEC §6).
    const other = path.join(out, 'other');
    const o = cli(['export', '--out', other, '--page', 'other', '--base-url', 'https://status.example.com'], { dataDir: s.dataDir });
    assert.equal(o.code, 0, o.stderr);
    const readOther = (f) => spawnSync('cat', [path.join(other, f)], { encoding: 'utf8' }).stdout;
    assert.equal(JSON.parse(readOther('api/v2/status.json')).page.url, 'https://status.other.test');
    assert.ok(attr(readOther('index.html'), /href="([^"]+)"/g).includes('https://status.other.test/subscribe'));
    assert.equal(xpath(readOther('feed.atom'), "string(/*[local-name()='feed']/*[local-name()='id'])"), 'https://status.other.test/');
    assert.equal(cli(['export'], { dataDir: s.dataDir }).code, 2, '--out is required');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('uptime of a service younger than 90 days: days before it are no data, and the figure says since when', async () => {
  const young = (await api(s, 'POST', 'services', { body: { name: 'Young service' } })).json.service;
  const born = Math.floor(Date.now() / 1000) - 3 * 86400 - 600;
  dbSql(s, `UPDATE service_status_log SET started_at = ${born} WHERE service_id = ${young.id}`);
  await api(s, 'PUT', `service/put/${young.id}/partial/`); // a change: the page is built again
  const html = (await request(s, 'GET', '/')).text;
  const at = html.indexOf(`data-service-id="${young.id}"`);
  const part = html.slice(at, html.indexOf('</li>\n', html.indexOf('data-uptime-period', at)));
  const bars = [...part.matchAll(/<li class="d-(\w)"/g)].map((m) => m[1]);
  assert.equal(bars.length, 90);
  const firstData = bars.findIndex((c) => c !== 'n');
  assert.ok(firstData >= 85 && firstData <= 86, `no data before the service existed (first bar with data: ${firstData})`);
  const since = new Date(born * 1000).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
  assert.match(part, new RegExp(`data-uptime-period>\\d+\\.\\d\\d% uptime since ${since}<`));
  assert.match(html, /data-uptime-period>[^<]+ uptime since today</, 'the services made today');
  await api(s, 'DELETE', `services/${young.id}`);
});

test('uptime bars belong to their service whatever the display order', async () => {
  // A newer ungrouped service is shown before the older grouped ones: each must keep
  // its own history (no "n", no data, for today's bar of any of them).
  const late = (await api(s, 'POST', 'services', { body: { name: 'Late service' } })).json.service;
  await api(s, 'PUT', `service/put/${late.id}/degraded/`);
  const html = (await request(s, 'GET', '/')).text;
  const row = (id) => {
    const at = html.indexOf(`data-service-id="${id}"`);
    assert.ok(at > 0, `service ${id} is on the page`);
    const end = html.indexOf('</ol>', at);
    const bars = [...html.slice(at, end).matchAll(/<li class="d-(\w)"/g)].map((m) => m[1]);
    assert.equal(bars.length, 90);
    return bars;
  };
  assert.ok(html.indexOf(`data-service-id="${late.id}"`) < html.indexOf(`data-service-id="${ids.api}"`));
  assert.notEqual(row(ids.api).at(-1), 'n');
  assert.notEqual(row(ids.db).at(-1), 'n');
  assert.equal(row(late.id).at(-1), 'd');
  await api(s, 'DELETE', `services/${late.id}`);
});

test('past events are dated and ordered by when they happened, not when they were posted', async () => {
  const day = 86400e3;
  const iso = (ms) => new Date(Date.now() + ms).toISOString().replace(/\.\d+Z/, 'Z');
  // posted today about a window a month ago (created complete, see the maintenance suite)
  const old = (await api(s, 'POST', 'maintenance', { body: { title: 'Last month window', message: 'Done back then.',
    scheduled_start: iso(-30 * day), scheduled_end: iso(-30 * day + 7200e3), notify: false } })).json.maintenance;
  assert.equal(old.stage, 'complete');
  const home = (await get('/')).text;
  const recent = home.slice(home.indexOf('id="h-recent"'), home.indexOf('</section>', home.indexOf('id="h-recent"')));
  assert.ok(!recent.includes(`data-event-id="${old.id}"`), 'a month-old window is not in "Past 7 days"');
  const pages = Number(/Page 1 of (\d+)/.exec((await get('/history')).text)[1]);
  const last = (await get(`/history?page=${pages}`)).text;
  const ids = attr(last, /data-event-id="(\d+)"/g);
  assert.equal(ids.at(-1), String(old.id), 'the oldest happening is last in the history');
  const brief = last.slice(last.indexOf(`data-event-id="${old.id}"`));
  assert.match(brief, new RegExp(`<time datetime="${iso(-30 * day).slice(0, 13)}`), 'dated by its window');
  assert.equal((await api(s, 'DELETE', `maintenance/${old.id}`)).status, 204);
});
