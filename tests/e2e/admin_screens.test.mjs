// Admin console screens over HTTP (SPEC §8): every screen's forms call the same
// use cases as the REST API, and what they do shows up there; services come in the
// same order on the console, the public page and every API.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli, request, api } from './lib/harness.mjs';
import { startTwoPages, stopClean, dbSql, OTHER_HOST } from './lib/admin.mjs';
import { Console, idFrom } from './admin_console.mjs';
import { startSmtp } from './fakes/smtp.mjs';

describe('admin console screens', () => {
  let s, c, smtp;
  before(async () => {
    smtp = await startSmtp();
    s = await startTwoPages({ env: { PHAROS_EMAIL_SMTP_URL: smtp.url } });
    c = new Console(s);
    await c.setup('owner@example.com', 'password-123', 'Olive Owner');
  });
  after(async () => { await stopClean(s); await smtp.stop(); });

  test('services and groups: create, edit, reorder, hide, delete', async () => {
    assert.equal((await c.post('/admin/groups', { name: 'Core', description: '' })).status, 303);
    const groups = (await api(s, 'GET', 'groups')).json.groups;
    const g = groups.find((x) => x.name === 'Core');
    for (const name of ['API', 'Website'])
      assert.equal((await c.post('/admin/services', { name, description: `${name} desc`, group_id: g.id })).status, 303);
    const bad = await c.post('/admin/services', { name: '', description: 'kept' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /id="svc-name"[^>]*>\s*<p class="field-error">/, 'the error is next to the name field');
    assert.match(bad.text, /value="kept"/, 'the form keeps what was typed');

    let list = (await api(s, 'GET', 'services')).json.services.filter((x) => x.group_id === g.id);
    assert.deepEqual(list.map((x) => x.name), ['API', 'Website']);
    const web = list[1];
    assert.equal((await c.post(`/admin/services/${web.id}/move`, { direction: 'up' })).status, 303);
    list = (await api(s, 'GET', 'services')).json.services.filter((x) => x.group_id === g.id);
    assert.deepEqual(list.map((x) => x.name), ['Website', 'API']);

    const edit = await c.get(`/admin/services/${web.id}`);
    assert.equal(edit.status, 200);
    assert.match(edit.text, /value="Website"/);
    const up = await c.post(`/admin/services/${web.id}`, { name: 'Web site', description: 'new', group_id: '', hidden: '1' });
    assert.equal(up.status, 303);
    const got = (await api(s, 'GET', `services/${web.id}`)).json.service;
    assert.equal(got.name, 'Web site');
    assert.equal(got.group_id, null);
    assert.equal(got.hidden, true);
    assert.match(edit.text, /<details class="confirm">[\s\S]*Yes, delete/, 'deleting asks for confirmation');
    assert.equal((await c.post(`/admin/services/${web.id}/delete`)).status, 303);
    assert.equal((await api(s, 'GET', `services/${web.id}`)).status, 404);
    assert.equal((await c.post(`/admin/groups/${g.id}`, { name: 'Core platform', description: '' })).status, 303);
    assert.equal((await api(s, 'GET', `groups/${g.id}`)).json.group?.name ?? (await api(s, 'GET', `groups/${g.id}`)).json.name, 'Core platform');
    assert.equal((await c.post(`/admin/groups/${g.id}/delete`)).status, 303);
    assert.equal((await api(s, 'GET', `groups/${g.id}`)).status, 404);
  });

  test('one order of services everywhere: ungrouped first, then each group by position', async () => {
    const post = async (route, body) => (await api(s, 'POST', route, { body })).json;
    // Created out of display order: the later group first, ungrouped services between.
    const late = (await post('groups', { name: 'Storage', position: 50 })).group.id;
    const early = (await post('groups', { name: 'Compute', position: 40 })).group.id;
    const disk = (await post('services', { name: 'Disks', group_id: late })).service.id;
    const solo = (await post('services', { name: 'Status emails' })).service.id;
    const vm = (await post('services', { name: 'VMs', group_id: early, position: 2 })).service.id;
    const gpu = (await post('services', { name: 'GPUs', group_id: early, position: 1 })).service.id;
    const dns = (await post('services', { name: 'DNS' })).service.id;
    const mine = [disk, solo, vm, gpu, dns];
    const expected = [solo, dns, gpu, vm, disk];
    const ours = (ids) => ids.map(Number).filter((id) => mine.includes(id));
    const attrs = (html, re) => [...html.matchAll(re)].map((m) => m[1]);
    const components = async (p) => (await request(s, 'GET', p)).json.components.filter((x) => !x.group).map((x) => x.id);

    const seen = {
      'console dashboard': attrs((await c.get('/admin')).text, /<li class="service-row" data-service-id="(\d+)"/g),
      'console services screen': attrs((await c.get('/admin/services')).text, /<tr data-service-id="(\d+)"/g),
      'console service picker': attrs((await c.get('/admin/incidents/new')).text, /name="services" value="(\d+)"/g),
      'public page': attrs((await request(s, 'GET', '/')).text, /data-service-id="(\d+)"/g),
      '/api/v2/components.json': await components('/api/v2/components.json'),
      '/api/v2/summary.json': await components('/api/v2/summary.json'),
      'admin API services': (await api(s, 'GET', 'services')).json.services.map((x) => x.id),
      'eStatus services list': (await api(s, 'GET', 'service/services/list/')).json.services.map((x) => x.id),
    };
    const wrong = Object.entries(seen).filter(([, ids]) => String(ours(ids)) !== String(expected))
      .map(([where, ids]) => `${where}: ${ours(ids)}`);
    assert.deepEqual(wrong, [], `expected ${expected} everywhere`);
    // Where the console shows ungrouped services, it says so; the public page shows them without a heading.
    const screen = (await c.get('/admin/services')).text;
    assert.ok(screen.indexOf('<h2>Ungrouped services') < screen.indexOf('<h2>Compute'), 'the ungrouped section comes first');

    // An event lists its services in the same order, whatever order they were named in.
    const inc = await post('incidents', { title: 'Slow disks', message: 'Looking.', services: [disk, vm, dns] });
    assert.deepEqual(inc.incident.services.map((x) => x.id), [dns, vm, disk], 'the incident in the API');
    const page = (await request(s, 'GET', `/incidents/${inc.incident.id}`)).text;
    assert.deepEqual(attrs(page, /<span class="chip">([^<]+)<\/span>/g), ['DNS', 'VMs', 'Disks'], 'the public incident page');
    await api(s, 'DELETE', `incidents/${inc.incident.id}`);
    for (const id of mine) await api(s, 'DELETE', `services/${id}`);
    for (const id of [late, early]) await api(s, 'DELETE', `groups/${id}`);
  });

  test('the dashboard dropdown applies a status at once', async () => {
    const svc = (await api(s, 'POST', 'services', { body: { name: 'Dropdown' } })).json.service;
    const dash = await c.get('/admin');
    assert.match(dash.text, new RegExp(`<form class="status-form" method="post" action="/admin/services/${svc.id}/status">`));
    const src = /<script src="(\/static\/admin\.[0-9a-f]{8}\.js)" defer><\/script>/.exec(dash.text);
    assert.ok(src, 'the console loads admin.js by its content-hashed URL');
    assert.doesNotMatch(dash.text, /<script>|onchange=/, 'no inline script');
    for (const st of ['partial_outage', 'Degraded', 'operational']) {
      const r = await c.post(`/admin/services/${svc.id}/status`, { status: st });
      assert.equal(r.status, 303);
    }
    const bad = await c.post(`/admin/services/${svc.id}/status`, { status: 'bogus' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /operational/);
    const js = await request(s, 'GET', src[1]);
    assert.equal(js.status, 200);
    assert.match(js.text, /autosubmit/);
  });

  test('incidents: from a template, preview, updates through the stages, edit, delete', async () => {
    const svc = (await api(s, 'POST', 'services', { body: { name: 'Checkout' } })).json.service;
    assert.equal((await c.post('/admin/templates', { kind: 'incident', name: 'Payments', title: 'Payments failing', message: 'We are **looking** into it.' })).status, 303);
    const tpl = (await api(s, 'GET', 'templates')).json.templates.find((t) => t.name === 'Payments');
    const form = await c.get(`/admin/incidents/new?template=${tpl.id}`);
    assert.equal(form.status, 200);
    assert.match(form.text, /value="Payments failing"/);
    assert.match(form.text, /We are \*\*looking\*\* into it\./);
    const fields = { title: 'Payments failing', message: 'We are **looking** into it.', stage: 'investigating', impact: '',
      notify: '1', services_shown: '1', services: [svc.id], [`status_${svc.id}`]: 'major_outage' };
    const prev = await c.post('/admin/incidents', { ...fields, preview: '1' });
    assert.equal(prev.status, 200);
    assert.match(prev.text, /<strong>looking<\/strong>/, 'the preview renders Markdown');
    assert.equal((await api(s, 'GET', 'incidents')).json.incidents.length, 0, 'a preview saves nothing');
    const created = await c.post('/admin/incidents', fields);
    assert.equal(created.status, 303, created.text);
    const id = idFrom(created);
    let inc = (await api(s, 'GET', `incidents/${id}`)).json.incident;
    assert.equal(inc.stage, 'investigating');
    assert.equal(inc.impact, 'critical');
    assert.deepEqual(inc.services, [{ id: svc.id, status: 'major_outage' }]);
    assert.equal((await api(s, 'GET', `services/${svc.id}`)).json.service.status, 'major_outage');

    const page = await c.get(`/admin/incidents/${id}`);
    assert.match(page.text, /data-event-id/);
    assert.match(page.text, /<strong>looking<\/strong>/);
    const missing = await c.post(`/admin/incidents/${id}/updates`, { stage: 'identified', message: '' });
    assert.equal(missing.status, 400);
    assert.match(missing.text, /field-error/);
    assert.equal((await c.post(`/admin/incidents/${id}/updates`, { stage: 'identified', message: 'Found it', notify: '1' })).status, 303);
    assert.equal((await c.post(`/admin/incidents/${id}`, { title: 'Payments were failing', impact: 'major' })).status, 303);
    assert.equal((await c.post(`/admin/incidents/${id}/updates`, { stage: 'resolved', message: 'Fixed' })).status, 303);
    inc = (await api(s, 'GET', `incidents/${id}`)).json.incident;
    assert.equal(inc.stage, 'resolved');
    assert.equal(inc.title, 'Payments were failing');
    assert.equal(inc.updates.length, 3);
    assert.equal(inc.updates[2].notify, false, 'the unchecked box means no notification');
    assert.equal((await api(s, 'GET', `services/${svc.id}`)).json.service.status, 'operational');
    const closed = await c.get(`/admin/incidents/${id}`);
    assert.doesNotMatch(closed.text, /Post an update/);
    assert.equal((await c.post(`/admin/incidents/${id}/delete`)).status, 303);
    assert.equal((await api(s, 'GET', `incidents/${id}`)).status, 404);
  });

  test('incidents: a back-dated one from the form; a postmortem written, refused while open, saved and sent', async () => {
    const svc = (await api(s, 'POST', 'services', { body: { name: 'Exports' } })).json.service;
    const created = await c.post('/admin/incidents', { title: 'Exports stalled', message: 'Since this morning.', stage: 'investigating',
      impact: '', notify: '1', started_at: '2026-01-02T03:04', services_shown: '1', services: [svc.id], [`status_${svc.id}`]: 'partial_outage' });
    assert.equal(created.status, 303, created.text);
    const id = idFrom(created);
    let inc = (await api(s, 'GET', `incidents/${id}`)).json.incident;
    assert.match(inc.started_at, /^2026-01-02T0\d:04:00Z$/, 'the wall time of the page\'s zone');
    const open = await c.get(`/admin/incidents/${id}`);
    assert.doesNotMatch(open.text, /action="\/admin\/incidents\/\d+\/postmortem"/, 'no postmortem form while open');
    const early = await c.post(`/admin/incidents/${id}/postmortem`, { postmortem: 'Too early.' });
    assert.equal(early.status, 400);
    assert.match(early.text, /<div class="flash flash-error" role="alert">incident \d+ is not resolved/);
    assert.equal((await c.post(`/admin/incidents/${id}/updates`, { stage: 'resolved', message: 'Back.', notify: '1' })).status, 303);
    const closed = await c.get(`/admin/incidents/${id}`);
    assert.match(closed.text, new RegExp(`<form method="post" action="/admin/incidents/${id}/postmortem" class="stack">\\s*<input type="hidden" name="csrf_token"`));
    assert.equal((await c.post(`/admin/incidents/${id}/postmortem`, { postmortem: 'x' }, { csrf: null })).status, 403);
    const saved = await c.post(`/admin/incidents/${id}/postmortem`, { postmortem: '## Cause\n\nA full disk.' });
    assert.equal(saved.status, 303, saved.text);
    assert.equal(saved.headers.location, `/admin/incidents/${id}?notice=postmortem`);
    inc = (await api(s, 'GET', `incidents/${id}`)).json.incident;
    assert.equal(inc.postmortem, '## Cause\n\nA full disk.');
    assert.equal(inc.postmortem_published_at, null, 'saved, not sent');
    assert.match((await c.get(saved.headers.location)).text, /<textarea id="postmortem" name="postmortem"[^>]*>## Cause\n\nA full disk\.<\/textarea>/);
    const sent = await c.post(`/admin/incidents/${id}/postmortem`, { postmortem: '## Cause\n\nA full disk.', send: '1' });
    assert.equal(sent.headers.location, `/admin/incidents/${id}?notice=postmortem_sent`);
    inc = (await api(s, 'GET', `incidents/${id}`)).json.incident;
    assert.notEqual(inc.postmortem_published_at, null);
    assert.equal(inc.updates.at(-1).kind, 'postmortem');
    assert.match((await request(s, 'GET', `/incidents/${id}`)).text, /<h2 id="postmortem-title">Postmortem<\/h2>/);
  });

  test('incidents: a draft is badged, published with its button, and a second publish is refused', async () => {
    const svc = (await api(s, 'POST', 'services', { body: { name: 'Search' } })).json.service;
    const created = await c.post('/admin/incidents', { title: 'Search is slow', message: 'Checking first.', stage: 'investigating',
      impact: '', notify: '1', draft: '1', services_shown: '1', services: [svc.id], [`status_${svc.id}`]: 'degraded_performance' });
    assert.equal(created.status, 303, created.text);
    const id = idFrom(created);
    assert.equal((await api(s, 'GET', `incidents/${id}`)).json.incident.draft, true);
    assert.equal((await api(s, 'GET', `services/${svc.id}`)).json.service.status, 'degraded_performance', 'a draft holds its services');
    assert.equal((await request(s, 'GET', `/incidents/${id}`)).status, 404, 'not public');
    const row = (html) => new RegExp(`<a class="event-row" href="/admin/incidents/${id}"[^>]*>\\s*<span class="badge badge-draft">Draft</span>`).test(html);
    assert.ok(row((await c.get('/admin/incidents')).text), 'the list says Draft in words');
    assert.ok(row((await c.get('/admin')).text), 'the dashboard says Draft in words');
    const page = await c.get(`/admin/incidents/${id}`);
    assert.match(page.text, /<span class="badge badge-draft">Draft<\/span>/);
    const form = new RegExp(`<form method="post" action="/admin/incidents/${id}/publish">\\s*<input type="hidden" name="csrf_token" value="[^"]+">\\s*<button class="btn btn-primary" type="submit">Publish</button>`);
    assert.match(page.text, form, 'a Publish button in a form with the csrf token');
    assert.match(page.text, /notifies subscribers once/);

    assert.equal((await c.post(`/admin/incidents/${id}/publish`, {}, { csrf: null })).status, 403, 'no csrf token: refused');
    assert.equal((await api(s, 'GET', `incidents/${id}`)).json.incident.draft, true, 'and nothing changed');
    const done = await c.post(`/admin/incidents/${id}/publish`);
    assert.equal(done.status, 303, done.text);
    assert.equal(done.headers.location, `/admin/incidents/${id}?notice=published`);
    const back = await c.get(done.headers.location);
    assert.match(back.text, /<div class="flash flash-ok" role="status">Published: the incident is on the status page now\.<\/div>/);
    assert.doesNotMatch(back.text, /badge-draft|\/publish"/, 'no badge and no button once published');
    assert.equal((await api(s, 'GET', `incidents/${id}`)).json.incident.draft, false);
    assert.equal((await request(s, 'GET', `/incidents/${id}`)).status, 200, 'public now');

    const again = await c.post(`/admin/incidents/${id}/publish`);
    assert.equal(again.status, 400);
    assert.match(again.text, /<div class="flash flash-error" role="alert">incident \d+ is published already<\/div>/);
    assert.equal((await c.post('/admin/incidents/999999/publish')).status, 404);
    assert.equal((await c.post('/admin/maintenance/1/publish')).status, 404, 'maintenance has no drafts');

    // the new incident form offers the draft box; a resolved draft says it publishes quietly
    assert.match((await c.get('/admin/incidents/new')).text, /<input type="checkbox" name="draft" value="1"> Save as a draft/);
    assert.doesNotMatch((await c.get('/admin/maintenance/new')).text, /name="draft"/);
    const quiet = idFrom(await c.post('/admin/incidents', { title: 'Blip', message: 'Over.', stage: 'resolved', draft: '1' }));
    assert.match((await c.get(`/admin/incidents/${quiet}`)).text, /It is resolved: publishing puts it in the history without notifying anyone\./);
    await api(s, 'DELETE', `incidents/${quiet}`);
    await api(s, 'DELETE', `incidents/${id}`);
    await api(s, 'DELETE', `services/${svc.id}`);
  });

  test('maintenance times are entered and shown in the page\'s time zone, named', async () => {
    assert.equal((await api(s, 'PATCH', 'page', { body: { time_zone: 'Europe/Paris' } })).status, 200);
    try {
      const form = await c.get('/admin/maintenance/new');
      assert.match(form.text, /<html lang="en" data-time-zone="Europe\/Paris">/);
      assert.match(form.text, /<label for="scheduled_start">Starts \(Europe\/Paris time\)<\/label>/);
      // 09:00 in Paris in December is 08:00 UTC; in July, 07:00 UTC
      const r = await c.post('/admin/maintenance', { title: 'Paris window', message: 'x', scheduled_start: '2099-12-10T09:00',
        scheduled_end: '2099-07-01T09:00', services_shown: '1' });
      assert.equal(r.status, 400, 'the end before the start, read in the zone, is still refused');
      const ok = await c.post('/admin/maintenance', { title: 'Paris window', message: 'x', scheduled_start: '2099-07-01T09:00',
        scheduled_end: '2099-12-10T09:00', services_shown: '1' });
      assert.equal(ok.status, 303, ok.text);
      const m = (await api(s, 'GET', `maintenance/${idFrom(ok)}`)).json.maintenance;
      assert.equal(m.scheduled_start, '2099-07-01T07:00:00Z');
      assert.equal(m.scheduled_end, '2099-12-10T08:00:00Z');
      const edit = await c.get(`/admin/maintenance/${idFrom(ok)}`);
      assert.match(edit.text, /id="edit-start" name="scheduled_start" type="datetime-local" value="2099-07-01T09:00"/);
      assert.match(edit.text, /id="edit-end" name="scheduled_end" type="datetime-local" value="2099-12-10T09:00"/);
      assert.equal((await api(s, 'DELETE', `maintenance/${idFrom(ok)}`)).status, 204);
    } finally {
      await api(s, 'PATCH', 'page', { body: { time_zone: 'UTC' } });
    }
  });

  test('maintenance: schedule a window, start one now, post updates forward only', async () => {
    const svc = (await api(s, 'POST', 'services', { body: { name: 'Database' } })).json.service;
    const start = new Date(Date.now() + 86400e3).toISOString().slice(0, 16);
    const end = new Date(Date.now() + 90000e3).toISOString().slice(0, 16);
    const bad = await c.post('/admin/maintenance', { title: 'Upgrade', message: 'x', scheduled_start: end, scheduled_end: start, services_shown: '1' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /field-error/);
    const r = await c.post('/admin/maintenance', { title: 'DB upgrade', message: 'Minor downtime', scheduled_start: start, scheduled_end: end,
      auto_start: '1', notify: '1', services_shown: '1', services: [svc.id] });
    assert.equal(r.status, 303, r.text);
    const id = idFrom(r);
    let m = (await api(s, 'GET', `maintenance/${id}`)).json.maintenance;
    assert.equal(m.stage, 'scheduled');
    assert.equal(m.scheduled_start, `${start}:00Z`);
    assert.equal(m.auto_start, true);
    assert.equal(m.auto_complete, false);
    const dash = await c.get('/admin');
    assert.match(dash.text, /DB upgrade/);
    const now = await c.post('/admin/maintenance', { title: 'Hotfix', message: 'Now', scheduled_start: new Date(Date.now() - 60e3).toISOString().slice(0, 16),
      scheduled_end: end, start_now: '1', services_shown: '1', services: [svc.id] });
    assert.equal(now.status, 303, now.text);
    const nid = idFrom(now);
    assert.equal((await api(s, 'GET', `maintenance/${nid}`)).json.maintenance.stage, 'in_progress');
    assert.equal((await api(s, 'GET', `services/${svc.id}`)).json.service.status, 'under_maintenance');
    for (const stage of ['verification', 'complete'])
      assert.equal((await c.post(`/admin/maintenance/${nid}/updates`, { stage, message: stage })).status, 303);
    assert.equal((await api(s, 'GET', `services/${svc.id}`)).json.service.status, 'operational');
    const back = await c.post(`/admin/maintenance/${id}/updates`, { stage: 'in_progress', message: 'go' });
    assert.equal(back.status, 303);
    const no = await c.post(`/admin/maintenance/${id}/updates`, { stage: 'scheduled', message: 'back' });
    assert.equal(no.status, 400, 'stages only move forward');
    m = (await api(s, 'GET', `maintenance/${id}`)).json.maintenance;
    assert.equal(m.stage, 'in_progress');
  });

  test('API tokens: shown once, listed by prefix, revoked', async () => {
    const r = await c.post('/admin/tokens', { name: 'Deploys' });
    assert.equal(r.status, 200);
    const tok = /data-new-token>([^<]+)</.exec(r.text)[1];
    assert.equal((await request(s, 'GET', '/admin/api/v1/services', { token: tok })).status, 200);
    const list = await c.get('/admin/tokens');
    assert.doesNotMatch(list.text, new RegExp(tok), 'never shown again');
    assert.match(list.text, new RegExp(tok.slice(0, 8)));
    const id = /data-token-id="(\d+)"/.exec(list.text.slice(list.text.indexOf('Deploys') - 200))[1];
    assert.equal((await c.post(`/admin/tokens/${id}/revoke`)).status, 303);
    assert.equal((await request(s, 'GET', '/admin/api/v1/services', { token: tok })).status, 401);
  });

  test('monitors: added from the form, paused and resumed, deleted; alert sources: the URL and its snippet shown once', async () => {
    const svc = (await api(s, 'POST', 'services', { body: { name: 'Checked' } })).json.service;
    const bad = await c.post('/admin/monitors', { service_id: svc.id, kind: 'tcp', target: 'no-port', name: 'DB port' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /id="mon-target"[^>]*>[\s\S]*?<p class="field-error">target: a tcp monitor(&#39;|')s target is HOST:PORT/);
    assert.match(bad.text, /value="DB port"/, 'the form keeps what was typed');
    const ok = await c.post('/admin/monitors', { service_id: svc.id, kind: 'tcp', target: `127.0.0.1:${s.port}`, name: 'DB port', interval_s: '600' });
    assert.equal(ok.status, 303);
    const m = (await api(s, 'GET', 'monitors')).json.monitors.find((x) => x.name === 'DB port');
    assert.equal(m.interval_s, 600);
    assert.equal(m.failures_before, 3, 'an empty field takes the default');
    assert.match((await c.get('/admin/monitors')).text, new RegExp(`data-monitor-id="${m.id}" data-state="unknown"`));
    // the edit screen: the form holds the monitor; a bad value is refused next to its field
    const edit = await c.get(`/admin/monitors/${m.id}`);
    assert.equal(edit.status, 200);
    assert.match(edit.text, /id="mon-interval"[^>]*value="600"/);
    assert.match(edit.text, new RegExp(`<option value="${svc.id}" selected>Checked</option>`));
    const form = { service_id: svc.id, name: 'DB port', kind: 'tcp', target: `127.0.0.1:${s.port}`, interval_s: '600',
      timeout_ms: '5000', failures_before: '5', successes_before: '1', status_on_failure: 'partial_outage',
      incident: 'none', keyword: '', expect_status: '200-399', enabled: '1' };
    const refused = await c.post(`/admin/monitors/${m.id}`, { ...form, interval_s: '5' });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /id="mon-interval"[^>]*value="5"[^>]*>\s*<p class="field-error">interval_s must be a whole number from 10/);
    assert.equal((await api(s, 'GET', `monitors/${m.id}`)).json.monitor.failures_before, 3, 'a refused form changes nothing');
    assert.equal((await c.post(`/admin/monitors/${m.id}`, form)).status, 303);
    const saved = (await api(s, 'GET', `monitors/${m.id}`)).json.monitor;
    assert.deepEqual([saved.failures_before, saved.successes_before, saved.status_on_failure, saved.enabled],
      [5, 1, 'partial_outage', true]);
    assert.equal((await c.post(`/admin/monitors/${m.id}/pause`)).status, 303);
    assert.equal((await api(s, 'GET', `monitors/${m.id}`)).json.monitor.enabled, false);
    assert.match((await c.get('/admin/monitors')).text, /<span class="tag">paused<\/span>/);
    assert.equal((await c.post(`/admin/monitors/${m.id}/resume`)).status, 303);
    assert.equal((await api(s, 'GET', `monitors/${m.id}`)).json.monitor.enabled, true);
    assert.equal((await c.post(`/admin/monitors/${m.id}/delete`)).status, 303);
    assert.equal((await api(s, 'GET', `monitors/${m.id}`)).status, 404);

    const r = await c.post('/admin/alert-sources', { kind: 'alertmanager', name: 'Prod', incident: 'none' });
    assert.equal(r.status, 200);
    const url = /data-new-source>([^<]+)</.exec(r.text)[1];
    assert.match(url, /\/hooks\/alerts\/[A-Za-z0-9_-]{43}$/);
    assert.match(r.text, new RegExp(`webhook_configs:\\s+- url: ${url.replace(/[.?*+^$[\]\\(){}|-]/g, '\\$&')}\\s+send_resolved: true`));
    const hook = await request(s, 'POST', new URL(url).pathname, { body: { version: '4', alerts: [{ status: 'firing', labels: { pharos_service: 'Checked', severity: 'warning' } }] } });
    assert.equal(hook.status, 200, hook.text);
    assert.equal((await api(s, 'GET', `services/${svc.id}`)).json.service.status, 'degraded_performance');
    const list = await c.get('/admin/monitors');
    assert.doesNotMatch(list.text, new RegExp(url.split('/').pop()), 'never shown again');
    const id = /data-source-id="(\d+)"/.exec(list.text)[1];
    assert.equal((await c.post(`/admin/alert-sources/${id}/delete`)).status, 303);
    assert.equal((await request(s, 'POST', new URL(url).pathname, { body: { alerts: [] } })).status, 404);
  });

  test('team: invite by e-mail, the invitee joins as editor, roles change, owners are protected', async () => {
    const r = await c.post('/admin/team/invite', { email: 'Ed@Example.com', role: 'editor' });
    assert.equal(r.status, 303);
    assert.match(r.headers.location, /notice=invited/);
    assert.doesNotMatch((await c.get('/admin/team')).text, /inv_/, 'the inviter never sees the link');
    const [mail] = await smtp.waitFor((m) => m.some((x) => x.to.includes('ed@example.com')));
    assert.match(mail.headers.subject, /invited to join the team/);
    const link = /(http:\/\/\S+\/admin\/invite\/inv_\S+)/.exec(mail.text)[1];
    const path = new URL(link).pathname;
    assert.equal((await c.post('/admin/team/invite', { email: 'nope', role: 'editor' })).status, 400);
    const ed = new Console(s);
    const page = await request(s, 'GET', path);
    assert.equal(page.status, 200);
    assert.match(page.text, /ed@example.com/);
    const short = await ed.door(path, { name: 'Ed', password: 'short' });
    assert.equal(short.status, 400);
    const joined = await ed.door(path, { name: 'Ed', password: 'editor-pass-1' });
    assert.equal(joined.status, 303);
    assert.equal((await request(s, 'GET', path)).status, 404, 'an invitation works once');
    await ed.get('/admin');
    assert.equal((await ed.get('/admin/team')).status, 403);
    assert.equal((await ed.get('/admin/settings')).status, 403);
    assert.equal((await ed.get('/admin/incidents/new')).status, 200);

    const edId = Number(dbSql(s, "SELECT id FROM users WHERE email = 'ed@example.com'").trim());
    assert.equal((await c.post(`/admin/team/${edId}/role`, { role: 'admin' })).status, 303);
    await ed.get('/admin');
    assert.equal((await ed.get('/admin/team')).status, 200, 'now an admin');
    const ownerId = Number(dbSql(s, "SELECT id FROM users WHERE email = 'owner@example.com'").trim());
    const demote = await ed.post(`/admin/team/${ownerId}/role`, { role: 'viewer' });
    assert.equal(demote.status, 403, 'an admin cannot demote an owner');
    assert.equal((await ed.post(`/admin/team/${ownerId}/remove`)).status, 403);
    assert.equal((await ed.post('/admin/team/invite', { email: 'o2@example.com', role: 'owner' })).status, 403);
    const last = await c.post(`/admin/team/${ownerId}/role`, { role: 'admin' });
    assert.equal(last.status, 409, 'the last owner stays');
    assert.equal((await c.post(`/admin/team/${edId}/remove`)).status, 303);
    assert.equal((await ed.get('/admin')).status, 303, 'a removed member is signed out');
  });

  test('subscribers: add confirmed or pending, search, filter, export CSV and one as JSON, bounced, delete', async () => {
    assert.equal((await c.post('/admin/subscribers', { channel: 'email', address: 'alice@example.com', confirmed: '1' })).status, 303);
    const form = await c.get('/admin/subscribers');
    assert.match(form.text, /<select id="sub-channel" name="channel"><option value="email" selected>E-mail<\/option><option value="sms">SMS<\/option>/);
    assert.equal((await c.post('/admin/subscribers', { channel: 'sms', address: '+14155550123', confirmed: '1' })).status, 303, 'SMS subscribers too');
    const badSms = await c.post('/admin/subscribers', { channel: 'sms', address: 'not a number' });
    assert.equal(badSms.status, 400);
    assert.match(badSms.text, /<option value="sms" selected>SMS/, 'the form keeps the chosen channel');
    assert.equal((await c.post('/admin/subscribers', { channel: 'email', address: '=cmd@example.com' })).status, 303);
    const dup = await c.post('/admin/subscribers', { channel: 'email', address: 'alice@example.com' });
    assert.equal(dup.status, 409);
    const subs = (await api(s, 'GET', 'subscribers')).json.subscribers;
    assert.equal(subs.find((x) => x.address === 'alice@example.com').state, 'active');
    assert.deepEqual(subs.filter((x) => x.channel === 'sms').map((x) => [x.address, x.state]), [['+14155550123', 'active']]);
    assert.equal(subs.find((x) => x.address === '=cmd@example.com').state, 'pending');
    const found = await c.get('/admin/subscribers?q=ALICE');
    assert.match(found.text, /alice@example.com/);
    assert.doesNotMatch(found.text, /cmd@example.com/);
    const pending = await c.get('/admin/subscribers?state=pending');
    assert.doesNotMatch(pending.text, /<strong>alice@example.com/);
    const csv = await c.get('/admin/subscribers.csv');
    assert.equal(csv.status, 200);
    assert.match(csv.headers['content-type'], /text\/csv/);
    assert.match(csv.text, /^id,channel,address,state,services,created_at,confirmed_at\r\n/);
    assert.match(csv.text, /"alice@example.com","active","All services"/);
    assert.match(csv.text, /"'=cmd@example.com"/, 'formula-looking cells are defused');
    const id = subs.find((x) => x.address === 'alice@example.com').id;
    // one subscriber's data, downloaded as JSON (the API's export)
    const list = await c.get('/admin/subscribers');
    assert.match(list.text, new RegExp(`<a class="btn btn-small" href="/admin/subscribers/${id}/export" download`));
    const x = await c.get(`/admin/subscribers/${id}/export`);
    assert.equal(x.status, 200);
    assert.match(x.headers['content-type'], /^application\/json/);
    assert.equal(x.headers['content-disposition'], `attachment; filename="subscriber-${id}.json"`);
    assert.equal(x.headers['cache-control'], 'no-store');
    assert.equal(JSON.parse(x.text).subscriber.address, 'alice@example.com');
    assert.deepEqual(JSON.parse(x.text), { ...(await api(s, 'GET', `subscribers/${id}/export`)).json, exported_at: JSON.parse(x.text).exported_at });
    assert.equal((await c.get('/admin/subscribers/999999/export')).status, 404);
    // bounced subscribers: a badge, a count and a filter
    const cmd = subs.find((x) => x.address === '=cmd@example.com').id;
    dbSql(s, `UPDATE subscribers SET state = 'bounced' WHERE id = ${cmd}`);
    const bounced = await c.get('/admin/subscribers?state=bounced');
    assert.match(bounced.text, /<option value="bounced" selected>Bounced<\/option>/);
    assert.match(bounced.text, /<strong>&#61;cmd@example.com<\/strong><\/td><td>email<\/td><td><span class="badge state-bounced">bounced<\/span>/);
    assert.doesNotMatch(bounced.text, /<strong>alice@example.com/);
    assert.match(bounced.text, /<span class="kpi-num">1<\/span><span class="kpi-label">e-mail bounced<\/span>/);
    // deleting says what goes and what stays, and asks first
    assert.match(list.text, /<details class="confirm">[\s\S]*the record of what was sent stays, without the address\.[\s\S]*Yes, delete/);
    assert.equal((await c.post(`/admin/subscribers/${id}/delete`)).status, 303);
    assert.equal((await api(s, 'GET', `subscribers/${id}`)).status, 404);
    assert.equal((await c.get(`/admin/subscribers/${id}/export`)).status, 404);
    assert.equal(dbSql(s, "SELECT COUNT(*) FROM subscribers WHERE address = 'alice@example.com'").trim(), '0');
  });

  test('settings, integrations (secrets write-only), notification log, dashboard health', async () => {
    const bad = await c.post('/admin/settings', { title: 'Acme status', logo_url: 'javascript:alert(1)', brand_color: '#112233', time_zone: 'UTC', hosts: '', footer_links: '' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /id="logo_url"[^>]*>\s*<p class="field-error">/);
    const ok = await c.post('/admin/settings', { title: 'Acme status', logo_url: 'https://example.com/logo.png', brand_color: '#112233',
      time_zone: 'Europe/Berlin', hosts: 'status.acme.test\nstatus2.acme.test', footer_links: 'Home | https://acme.test' });
    assert.equal(ok.status, 303);
    const p = (await api(s, 'GET', 'page')).json.page;
    assert.equal(p.title, 'Acme status');
    assert.deepEqual(p.hosts.sort(), ['status.acme.test', 'status2.acme.test']);
    assert.deepEqual(p.footer_links, [{ label: 'Home', url: 'https://acme.test' }]);

    // Stored but not enabled: nothing may ever be sent beyond this machine.
    const secretUrl = 'https://hooks.slack.com/services/T000/B000/SECRETSECRET';
    assert.equal((await c.post('/admin/integrations/slack', { webhook_url: secretUrl })).status, 303);
    const page = await c.get('/admin/integrations');
    assert.doesNotMatch(page.text, /SECRETSECRET/, 'the secret is never shown');
    assert.match(page.text, /webhook URL stored/);
    assert.equal((await c.post('/admin/integrations/slack', {})).status, 303, 'an empty secret keeps the stored one');
    assert.equal((await api(s, 'GET', 'integrations/slack')).json.integration.enabled, false);
    assert.equal((await api(s, 'GET', 'integrations/slack')).json.integration?.webhook_url_set ?? (await api(s, 'GET', 'integrations/slack')).json.webhook_url_set, true);
    const priv = await c.post('/admin/integrations/webhook', { url: 'http://127.0.0.1/hook', enabled: '1' });
    assert.equal(priv.status, 400);
    assert.match(priv.text, /field-error/);
    const tw = await c.post('/admin/integrations/twitter/connect');
    assert.equal(tw.status, 400, 'Twitter is not configured on this server');
    assert.match(tw.text, /consumer_key/);

    const log = await c.get('/admin/deliveries');
    assert.equal(log.status, 200);
    assert.match(log.text, /Notification log/);
    const dash = await c.get('/admin');
    assert.match(dash.text, /Notification health/);
  });

  test('an owner of several pages switches between them', async () => {
    const args = ['user', 'add', '--email', 'owner@example.com', '--role', 'owner', '--page', 'other'];
    const kept = cli(args, { dataDir: s.dataDir, input: 'operator-pass\n' });
    assert.equal(kept.code, 1, 'an existing account is not silently given a role');
    assert.match(kept.stderr, /owner@example.com exists: use --reset-password/);
    const r = cli([...args, '--reset-password'], { dataDir: s.dataDir, input: 'operator-pass\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await c.get('/admin')).status, 303, 'a reset password ends the sessions');
    await c.login('owner@example.com', 'operator-pass');
    const dash = await c.get('/admin');
    assert.match(dash.text, /name="page_id"/);
    const otherId = Number(dbSql(s, "SELECT id FROM pages WHERE slug = 'other'").trim());
    assert.equal((await c.post('/admin/pages/switch', { page_id: otherId })).status, 303);
    assert.equal((await c.post('/admin/services', { name: 'Other page service' })).status, 303);
    const other = await request(s, 'GET', '/admin/api/v1/services', { token: s.otherToken, host: OTHER_HOST });
    assert.ok(other.json.services.some((x) => x.name === 'Other page service'));
    assert.ok(!(await api(s, 'GET', 'services')).json.services.some((x) => x.name === 'Other page service'));
    const v = new Console(s);
    const notMember = await c.post('/admin/pages/switch', { page_id: 999 });
    assert.equal(notMember.status, 403);
    assert.equal(v.cookie, null);
  });
});
