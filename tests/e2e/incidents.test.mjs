// Incidents through the REST API (SPEC §5, §9, §10, §14): every route, the INCIDENT
// shape, stage rules, service statuses and the hold rule, impact derivation,
// templates, pagination, the notification outbox, bad input that changes
// nothing, and other-page isolation. Drafts: a "draft": true incident holds its
// services but is on no public surface (the page, /history, /incidents/{id}, the
// Statuspage JSON, the feeds) and notifies nobody (no job; no e-mail reaches a
// confirmed subscriber of the real SMTP sink) until POST …/publish, which shows it
// and notifies once; a resolved draft is published quietly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, request } from './lib/harness.mjs';
import {
  startTwoPages, otherApi, dbSql, assertError, unchangedBy, assertBadBodies, assertBadPaging, walk, RFC3339, OTHER_HOST,
  stopClean,
} from './lib/admin.mjs';
import { createService, serviceStatus, eventState, notifyJobs, CH_ALL, CH_NO_SMS } from './lib/events.mjs';
import { startWorld, stopWorld, subscribeEmail, sleep } from './lib/notify.mjs';

let s;
before(async () => { s = await startTwoPages(); });
after(async () => { await s.stop(); s.cleanup(); });

const KEYS = ['id', 'kind', 'title', 'stage', 'impact', 'services', 'draft', 'started_at', 'created_at', 'updated_at',
  'resolved_at', 'updates', 'postmortem', 'postmortem_at', 'postmortem_published_at'];
const UPDATE_KEYS = ['id', 'kind', 'stage', 'message', 'notify', 'created_at', 'translations'];

const create = (body) => api(s, 'POST', 'incidents', { body });
const postUpdate = (id, body) => api(s, 'POST', `incidents/${id}/updates`, { body });
async function open(body) {
  const r = await create({ title: 'Something broke', message: 'We are looking into it.', ...body });
  assert.equal(r.status, 201, r.text);
  return r.json.incident;
}
const unchanged = (fn) => unchangedBy(s, () => eventState(s), fn);

test('create an incident: 201 with the INCIDENT shape, statuses set, one notify job', async () => {
  const api1 = await createService(s, 'API');
  const web = await createService(s, 'Web');
  const r = await create({
    title: 'API errors', message: '**Elevated** error rates on the API.',
    services: [{ id: api1, status: 'major outage' }, web],
  });
  assert.equal(r.status, 201, r.text);
  const inc = r.json.incident;
  assert.deepEqual(Object.keys(r.json), ['incident']);
  assert.deepEqual(Object.keys(inc).sort(), [...KEYS].sort());
  assert.equal(inc.kind, 'incident');
  assert.equal(inc.title, 'API errors');
  assert.equal(inc.stage, 'investigating');
  assert.equal(inc.impact, 'critical', 'derived from major_outage');
  assert.deepEqual(inc.services, [{ id: api1, status: 'major_outage' }, { id: web, status: 'operational' }]);
  assert.match(inc.created_at, RFC3339);
  assert.match(inc.updated_at, RFC3339);
  assert.equal(inc.resolved_at, null);
  assert.equal(inc.draft, false);
  assert.equal(inc.updates.length, 1);
  assert.deepEqual(Object.keys(inc.updates[0]).sort(), [...UPDATE_KEYS].sort());
  assert.deepEqual({ ...inc.updates[0], id: 0, created_at: '' },
    { id: 0, kind: 'update', stage: 'investigating', message: '**Elevated** error rates on the API.', notify: true, created_at: '', translations: {} });

  assert.equal(await serviceStatus(s, api1), 'major_outage');
  assert.equal(await serviceStatus(s, web), 'operational', 'a plain id links the service as it is');
  assert.deepEqual(notifyJobs(s, inc.id), [{ update_id: inc.updates[0].id, channels: CH_ALL }]);
  assert.equal(dbSql(s, `SELECT old_status || '>' || new_status FROM update_services WHERE update_id = ${inc.updates[0].id}`).trim(),
    'operational>major_outage');
  assert.match(dbSql(s, `SELECT action FROM audit_log WHERE object_id = ${inc.id} AND action LIKE 'incident.%'`), /incident\.create/);

  const g = await api(s, 'GET', `incidents/${inc.id}/`);
  assert.equal(g.status, 200);
  assert.deepEqual(g.json, { incident: inc });
});

test('impact is derived from the worst status set, unless given', async () => {
  const a = await createService(s, 'Impact A');
  const b = await createService(s, 'Impact B');
  const cases = [
    [[{ id: a, status: 'degraded' }], 'minor'],
    [[{ id: a, status: 'degraded_performance' }, { id: b, status: 'partial' }], 'major'],
    [[{ id: a, status: 'PARTIAL-OUTAGE' }], 'major'],
    [[{ id: a, status: 'outage' }], 'critical'],
    [[{ id: a, status: 'maintenance' }], 'none'],
    [[a, b], 'none'],
    [undefined, 'none'],
  ];
  for (const [services, impact] of cases) {
    const inc = await open({ services });
    assert.equal(inc.impact, impact, JSON.stringify(services));
    assert.equal((await api(s, 'DELETE', `incidents/${inc.id}`)).status, 204);
  }
  const inc = await open({ services: [{ id: a, status: 'major_outage' }], impact: 'Minor' });
  assert.equal(inc.impact, 'minor', 'an explicit impact wins');
  await api(s, 'DELETE', `incidents/${inc.id}`);
  assert.equal(await serviceStatus(s, a), 'operational', 'deleting open incidents released the service');
});

test('updates: any stage in any order before resolved, default stage kept, oldest first', async () => {
  const svc = await createService(s, 'Stages');
  const inc = await open({ services: [{ id: svc, status: 'partial_outage' }] });
  const steps = [
    [{ stage: 'identified', message: 'Found it.' }, 'identified'],
    [{ stage: 'Investigating', message: 'Actually, not yet.' }, 'investigating'],
    [{ stage: 'monitoring', message: 'Fix deployed.', services: [{ id: svc, status: 'degraded' }] }, 'monitoring'],
    [{ message: 'Still watching.' }, 'monitoring'],
  ];
  let last;
  for (const [body, stage] of steps) {
    const r = await postUpdate(inc.id, body);
    assert.equal(r.status, 201, r.text);
    last = r.json.incident;
    assert.equal(last.stage, stage);
    assert.equal(last.updates.at(-1).stage, stage);
    assert.equal(last.updates.at(-1).message, body.message);
    assert.equal(last.resolved_at, null);
  }
  assert.deepEqual(last.updates.map((u) => u.stage), ['investigating', 'identified', 'investigating', 'monitoring', 'monitoring']);
  const ids = last.updates.map((u) => u.id);
  assert.deepEqual(ids, [...ids].sort((x, y) => x - y), 'updates are oldest first');
  assert.equal(await serviceStatus(s, svc), 'degraded_performance', 'an update may change a service status');
  assert.deepEqual(last.services, [{ id: svc, status: 'degraded_performance' }]);
  // Identified, Monitoring and later Investigating updates skip SMS (SPEC §10).
  assert.deepEqual(notifyJobs(s, inc.id).map((j) => j.channels), [CH_ALL, CH_NO_SMS, CH_NO_SMS, CH_NO_SMS, CH_NO_SMS]);

  const res = await postUpdate(inc.id, { stage: 'resolved', message: 'All good.' });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.incident.stage, 'resolved');
  assert.match(res.json.incident.resolved_at, RFC3339);
  assert.equal(await serviceStatus(s, svc), 'operational', 'resolving releases the service');
  assert.equal(notifyJobs(s, inc.id).at(-1).channels, CH_ALL, 'resolution notifies every channel');
});

test('a resolved incident takes no more updates: 400 and nothing changes', async () => {
  const svc = await createService(s, 'Resolved');
  const inc = await open({ services: [{ id: svc, status: 'major' }] });
  assert.equal((await postUpdate(inc.id, { stage: 'resolved', message: 'Done.' })).status, 201);
  const before = (await api(s, 'GET', `incidents/${inc.id}`)).json;
  for (const body of [
    { stage: 'investigating', message: 'It is back!' },
    { stage: 'resolved', message: 'Still resolved.' },
    { message: 'A postscript.' },
    { stage: 'monitoring', message: 'x', services: [{ id: svc, status: 'major' }] },
  ]) {
    await unchanged(async () => {
      assertError(await postUpdate(inc.id, body), 400, 'invalid_input',
        /resolved incidents take no more updates.*open a new incident/);
    });
  }
  assert.deepEqual((await api(s, 'GET', `incidents/${inc.id}`)).json, before);
  assert.equal(await serviceStatus(s, svc), 'operational');
});

test('an incident may be created in any stage; created resolved it changes no status', async () => {
  const svc = await createService(s, 'Later stage');
  const inc = await open({ stage: 'identified', services: [{ id: svc, status: 'degraded' }] });
  assert.equal(inc.stage, 'identified');
  assert.equal(await serviceStatus(s, svc), 'degraded_performance');
  assert.deepEqual(notifyJobs(s, inc.id).map((j) => j.channels), [CH_ALL], 'a creation notifies SMS too');
  await postUpdate(inc.id, { stage: 'resolved', message: 'ok' });

  const past = await open({ stage: 'resolved', title: 'Yesterday', services: [{ id: svc, status: 'major_outage' }] });
  assert.equal(past.stage, 'resolved');
  assert.match(past.resolved_at, RFC3339);
  assert.equal(past.impact, 'critical');
  assert.equal(await serviceStatus(s, svc), 'operational', 'a retroactive incident does not touch the service');
});

test('hold rule: a service held by several open incidents shows the worst of their statuses', async () => {
  const svc = await createService(s, 'Held');
  const first = await open({ title: 'Slowness', services: [{ id: svc, status: 'partial' }] });
  const second = await open({ title: 'Outage', services: [{ id: svc, status: 'major_outage' }] });
  assert.equal(await serviceStatus(s, svc), 'major_outage', 'the worse status of the two');

  await postUpdate(second.id, { stage: 'resolved', message: 'Up again.' });
  assert.equal(await serviceStatus(s, svc), 'partial_outage', 'still held by the first incident, with its status');
  const changes = dbSql(s, `SELECT old_status || '>' || new_status FROM update_services us
      JOIN event_updates u ON u.id = us.update_id WHERE u.event_id = ${second.id} AND u.stage = 'resolved'`).trim();
  assert.equal(changes, 'major_outage>partial_outage', 'the resolving update records the change');

  await postUpdate(first.id, { stage: 'resolved', message: 'Fast again.' });
  assert.equal(await serviceStatus(s, svc), 'operational', 'no holder left');

  // The other order: a milder incident opened later does not hide the worse one, and an
  // update naming a better status leaves the worst status another incident still sets.
  const a = await open({ services: [{ id: svc, status: 'major' }] });
  const b = await open({ services: [{ id: svc, status: 'degraded' }] });
  assert.equal(await serviceStatus(s, svc), 'major_outage', 'the milder incident does not hide the outage');
  await postUpdate(a.id, { message: 'Mostly back.', services: [{ id: svc, status: 'operational' }] });
  assert.equal(await serviceStatus(s, svc), 'degraded_performance', 'the other incident still sets degraded');
  // Deleting an open incident releases like resolving does.
  assert.equal((await api(s, 'DELETE', `incidents/${b.id}`)).status, 204);
  assert.equal(await serviceStatus(s, svc), 'operational');
  await postUpdate(a.id, { stage: 'resolved', message: 'Done.' });
  const log = dbSql(s, `SELECT status FROM service_status_log WHERE service_id = ${svc} ORDER BY id`).trim().split('\n');
  assert.deepEqual(log, ['operational', 'partial_outage', 'major_outage', 'partial_outage', 'operational',
    'major_outage', 'degraded_performance', 'operational']);
});

test('notify:false records the choice and queues no notification', async () => {
  const inc = await open({ notify: false });
  assert.equal(inc.updates[0].notify, false);
  assert.deepEqual(notifyJobs(s, inc.id), []);
  const u = await postUpdate(inc.id, { stage: 'identified', message: 'quiet', notify: false });
  assert.equal(u.status, 201, u.text);
  assert.equal(u.json.incident.updates.at(-1).notify, false);
  assert.deepEqual(notifyJobs(s, inc.id), []);
  const v = await postUpdate(inc.id, { stage: 'resolved', message: 'loud' });
  assert.deepEqual(notifyJobs(s, inc.id), [{ update_id: v.json.incident.updates.at(-1).id, channels: CH_ALL }]);
  assert.equal(dbSql(s, `SELECT COUNT(*) FROM event_updates WHERE event_id = ${inc.id} AND notify = 0`).trim(), '2');
});

test('PATCH changes title and impact only, posts no update and notifies nobody', async () => {
  const inc = await open({ title: 'Typo in titel' });
  const jobs = dbSql(s, 'SELECT COUNT(*) FROM notify_jobs');
  const r = await api(s, 'PATCH', `incidents/${inc.id}`, { body: { title: 'Typo in title', impact: 'major' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.incident.title, 'Typo in title');
  assert.equal(r.json.incident.impact, 'major');
  assert.equal(r.json.incident.stage, inc.stage);
  assert.deepEqual(r.json.incident.updates, inc.updates);
  assert.equal(dbSql(s, 'SELECT COUNT(*) FROM notify_jobs'), jobs);
  const t = await api(s, 'PATCH', `incidents/${inc.id}/`, { body: { impact: 'none' } });
  assert.equal(t.json.incident.title, 'Typo in title', 'absent fields keep their value');
  await unchanged(async () => {
    assertError(await api(s, 'PATCH', `incidents/${inc.id}`, { body: { stage: 'resolved' } }), 400, 'invalid_input',
      /unknown field "stage"; accepted fields: title, impact/);
    assertError(await api(s, 'PATCH', `incidents/${inc.id}`, { body: { impact: 'huge' } }), 400, 'invalid_input',
      /unknown impact "huge"; accepted: none, minor, major, critical/);
    assertError(await api(s, 'PATCH', `incidents/${inc.id}`, { body: { title: '' } }), 400, 'invalid_input', /title/);
    assertError(await api(s, 'PATCH', `incidents/${inc.id}`, { body: { title: 'x'.repeat(201) } }), 400, 'invalid_input', /at most 200/);
    assertError(await api(s, 'PATCH', 'incidents/999999', { body: { title: 'x' } }), 404, 'not_found', /no incident with id 999999/);
  });
});

test('DELETE answers 204, then the incident is gone', async () => {
  const inc = await open({});
  const d = await api(s, 'DELETE', `incidents/${inc.id}`);
  assert.equal(d.status, 204);
  assert.equal(d.text, '');
  assertError(await api(s, 'GET', `incidents/${inc.id}`), 404, 'not_found', new RegExp(`no incident with id ${inc.id}`));
  assertError(await api(s, 'DELETE', `incidents/${inc.id}`), 404, 'not_found');
  assertError(await postUpdate(inc.id, { message: 'x' }), 404, 'not_found');
  assert.equal(dbSql(s, `SELECT COUNT(*) FROM event_updates WHERE event_id = ${inc.id}`).trim(), '0');
});

test('template_id prefills title and message that are absent', async () => {
  dbSql(s, `INSERT INTO templates (page_id, kind, name, title, message, created_at, updated_at) VALUES
    (1, 'incident', 'db', 'Database trouble', 'We are investigating database errors.', 0, 0),
    (1, 'maintenance', 'upgrade', 'Upgrade', 'Planned upgrade.', 0, 0),
    (2, 'incident', 'other', 'Other page', 'Not yours.', 0, 0)`);
  const ids = Object.fromEntries(dbSql(s, 'SELECT name, id FROM templates').trim().split('\n').map((l) => l.split('|')));
  const a = await create({ template_id: Number(ids.db) });
  assert.equal(a.status, 201, a.text);
  assert.equal(a.json.incident.title, 'Database trouble');
  assert.equal(a.json.incident.updates[0].message, 'We are investigating database errors.');
  const b = await create({ template_id: Number(ids.db), title: 'Primary database down' });
  assert.equal(b.json.incident.title, 'Primary database down');
  assert.equal(b.json.incident.updates[0].message, 'We are investigating database errors.');
  await unchanged(async () => {
    assertError(await create({ template_id: Number(ids.upgrade) }), 400, 'invalid_input', /template_id \d+ is a template for maintenance; use one for incidents/);
    assertError(await create({ template_id: Number(ids.other) }), 400, 'invalid_input', /not a template of this page/);
    assertError(await create({ template_id: 999999 }), 400, 'invalid_input', /not a template of this page/);
    assertError(await create({ template_id: 'db' }), 400, 'invalid_input', /template_id must be an id/);
  });
});

test('list: newest first, keyset pages with next_cursor, ?state= filter', async () => {
  const made = [];
  for (let i = 0; i < 5; i++) made.push((await open({ title: `Page ${i}` })).id);
  await postUpdate(made[1], { stage: 'resolved', message: 'done' });
  const all = await walk(s, 'incidents', 'incidents', 2);
  const ids = all.map((i) => i.id);
  assert.deepEqual(ids, [...ids].sort((x, y) => y - x), 'newest first');
  assert.equal(new Set(ids).size, ids.length, 'no incident twice');
  for (const id of made) assert.ok(ids.includes(id));
  assert.equal(ids.length, Number(dbSql(s, "SELECT COUNT(*) FROM events WHERE page_id = 1 AND kind = 'incident'")));
  for (const inc of all) assert.deepEqual(Object.keys(inc).sort(), [...KEYS].sort());

  const first = await api(s, 'GET', 'incidents?limit=2');
  assert.deepEqual(Object.keys(first.json).sort(), ['incidents', 'next_cursor']);
  assert.equal(first.json.next_cursor, String(first.json.incidents[1].id));
  const whole = await api(s, 'GET', 'incidents?limit=500');
  assert.equal(whole.json.next_cursor, null);

  const open_ = await walk(s, 'incidents', 'incidents', 3, '&state=open');
  assert.ok(open_.every((i) => i.resolved_at === null && i.stage !== 'resolved'));
  assert.ok(open_.some((i) => i.id === made[0]));
  const resolved = await walk(s, 'incidents', 'incidents', 3, '&state=resolved');
  assert.ok(resolved.every((i) => i.stage === 'resolved'));
  assert.ok(resolved.some((i) => i.id === made[1]));
  assert.equal(open_.length + resolved.length, all.length);
  assertError(await api(s, 'GET', 'incidents?state=closed'), 400, 'invalid_input', /unknown state "closed"; accepted: open, resolved/);
  await assertBadPaging(s, 'incidents');
});

test('bad input answers 400/404 with a JSON error and changes nothing', async () => {
  const svc = await createService(s, 'Bad input');
  const otherSvc = await otherApi(s, 'POST', 'services', { body: { name: 'Theirs' } });
  assert.equal(otherSvc.status, 201, otherSvc.text);
  const theirs = otherSvc.json.service.id;
  const inc = await open({ services: [svc] });
  const ok = { title: 'T', message: 'M' };
  const badCreates = [
    [{ ...ok, stage: 'exploding' }, /unknown incident stage "exploding"; accepted: investigating, identified, monitoring, resolved/],
    [{ ...ok, stage: 'in_progress' }, /unknown incident stage/],
    [{ ...ok, services: [{ id: svc, status: 'on fire' }] }, /services\[0\]: unknown status "on fire"; accepted: /],
    [{ ...ok, services: [svc, 999999] }, /no service with id 999999 on this page/],
    [{ ...ok, services: [theirs] }, new RegExp(`no service with id ${theirs} on this page`)],
    [{ ...ok, services: [svc, { id: svc, status: 'major' }] }, /services\[1\]: service \d+ is listed twice/],
    [{ ...ok, services: [{ id: svc, status: 'major', extra: 1 }] }, /services\[0\]: unknown field "extra"/],
    [{ ...ok, services: [{ status: 'major' }] }, /services\[0\]: id must be a service id/],
    [{ ...ok, services: [true] }, /services\[0\]: must be a service id or an \{"id","status"\} object/],
    [{ ...ok, services: [0] }, /services\[0\]: id must be a service id/],
    [{ ...ok, services: '1' }, /services must be an array/],
    [{ ...ok, title: 'x'.repeat(201) }, /title is 201 characters long; at most 200/],
    [{ ...ok, message: 'x'.repeat(20001) }, /message is 20001 characters long; at most 20000/],
    [{ ...ok, title: 5 }, /title must be a string/],
    [{ ...ok, title: 'a\nb' }, /title contains a control character/],
    [{ ...ok, notify: 'yes' }, /notify must be true or false/],
    [{ ...ok, draft: 'yes' }, /draft must be true or false/],
    [{ ...ok, draft: null }, /draft must be true or false/],
    [{ ...ok, impact: 'apocalyptic' }, /unknown impact "apocalyptic"/],
    [{ ...ok, impact: 3 }, /impact must be a string/],
    [{ message: 'M' }, /title is required/],
    [{ title: 'T' }, /message is required/],
    [{ ...ok, title: '' }, /title is required/],
    [{ ...ok, resolved: true }, /unknown field "resolved"; accepted fields: title, message, stage, impact, services, notify, template_id, draft/],
  ];
  await unchanged(async () => {
    for (const [body, pattern] of badCreates) assertError(await create(body), 400, 'invalid_input', pattern);
    await assertBadBodies(s, 'POST', 'incidents');
  });
  const badUpdates = [
    [{ stage: 'fixed', message: 'x' }, /unknown incident stage "fixed"/],
    [{ stage: 'identified' }, /message is required/],
    [{ message: '' }, /message is required/],
    [{ message: 'x', services: [{ id: svc, status: 'bogus' }] }, /unknown status "bogus"/],
    [{ message: 'x', services: [999999] }, /no service with id 999999/],
    [{ message: 'x', services: [theirs] }, /on this page/],
    [{ message: 'x'.repeat(20001) }, /at most 20000/],
    [{ message: 'x', notify: 1 }, /notify must be true or false/],
    [{ message: 'x', title: 'no' }, /unknown field "title"; accepted fields: stage, message, services, notify/],
  ];
  await unchanged(async () => {
    for (const [body, pattern] of badUpdates) assertError(await postUpdate(inc.id, body), 400, 'invalid_input', pattern);
    await assertBadBodies(s, 'POST', `incidents/${inc.id}/updates`);
    await assertBadBodies(s, 'PATCH', `incidents/${inc.id}`);
    assertError(await postUpdate(999999, { message: 'x' }), 404, 'not_found', /no incident with id 999999 on this page/);
    assertError(await api(s, 'GET', 'incidents/abc'), 404, 'not_found');
    assertError(await api(s, 'GET', 'incidents/0'), 404, 'not_found');
    assertError(await api(s, 'PUT', `incidents/${inc.id}`, { body: {} }), 405, 'method_not_allowed');
    assertError(await request(s, 'GET', '/admin/api/v1/incidents'), 401, 'unauthorized');
    assertError(await request(s, 'POST', '/admin/api/v1/incidents', { token: 'nope', body: ok }), 401, 'unauthorized');
  });
  // A maintenance id is not an incident id.
  const m = await api(s, 'POST', 'maintenance', {
    body: { title: 'M', message: 'm', scheduled_start: '2099-01-01T00:00:00Z', scheduled_end: '2099-01-01T01:00:00Z' },
  });
  assert.equal(m.status, 201, m.text);
  await unchanged(async () => {
    assertError(await api(s, 'GET', `incidents/${m.json.maintenance.id}`), 404, 'not_found');
    assertError(await postUpdate(m.json.maintenance.id, { message: 'x' }), 404, 'not_found');
    assertError(await api(s, 'DELETE', `incidents/${m.json.maintenance.id}`), 404, 'not_found');
  });
});

// What the public sees of incident INC (unique TITLE) on S: [where…] it shows up.
async function publicSightings(srv, inc, title) {
  const seen = [];
  const get = (p) => request(srv, 'GET', p);
  if ((await get('/')).text.includes(`data-event-id="${inc}"`)) seen.push('/');
  if ((await get('/history')).text.includes(`data-event-id="${inc}"`)) seen.push('/history');
  const one = await get(`/incidents/${inc}`);
  if (one.status !== 404) seen.push(`/incidents/${inc} (${one.status})`);
  for (const p of ['/api/v2/incidents.json', '/api/v2/incidents/unresolved.json', '/api/v2/summary.json', '/feed', '/feed.atom']) {
    const r = await get(p);
    assert.equal(r.status, 200, `${p}: ${r.status}`);
    if (r.text.includes(title)) seen.push(p);
  }
  return seen;
}

test('a draft holds its services, is on no public surface and queues no job until published', async () => {
  const svc = await createService(s, 'Drafted');
  const title = 'Draft: possible queue backlog';
  const r = await create({ title, message: 'Checking before we say so.', draft: true, services: [{ id: svc, status: 'partial' }] });
  assert.equal(r.status, 201, r.text);
  const inc = r.json.incident;
  assert.deepEqual(Object.keys(inc).sort(), [...KEYS].sort());
  assert.equal(inc.draft, true);
  assert.equal(await serviceStatus(s, svc), 'partial_outage', 'a draft holds its services like any open incident');
  assert.deepEqual(notifyJobs(s, inc.id), []);
  assert.deepEqual(await publicSightings(s, inc.id, title), []);
  const up = await postUpdate(inc.id, { stage: 'identified', message: 'A stuck consumer.' });
  assert.equal(up.status, 201, up.text);
  assert.equal(up.json.incident.draft, true);
  assert.deepEqual(notifyJobs(s, inc.id), [], 'updates of a draft notify nobody');
  assert.deepEqual(await publicSightings(s, inc.id, title), []);
  const listed = (await api(s, 'GET', 'incidents?state=open&limit=500')).json.incidents.find((x) => x.id === inc.id);
  assert.equal(listed?.draft, true, 'the admin list shows drafts');

  // refused: a body with a field, another page's token on its host, an unknown id, a maintenance id
  const m = (await api(s, 'POST', 'maintenance', { body: { title: 'M', message: 'm',
    scheduled_start: '2099-01-01T00:00:00Z', scheduled_end: '2099-01-01T01:00:00Z' } })).json.maintenance;
  await unchanged(async () => {
    assertError(await api(s, 'POST', `incidents/${inc.id}/publish`, { body: { notify: false } }), 400, 'invalid_input',
      /unknown field "notify": publishing takes no fields/);
    assertError(await api(s, 'POST', `incidents/${inc.id}/publish`, { body: '[]', headers: { 'Content-Type': 'application/json' } }),
      400, 'invalid_input');
    assertError(await api(s, 'POST', `incidents/${inc.id}/publish`, { body: 'x=1', headers: { 'Content-Type': 'text/plain' } }),
      415, 'unsupported_media_type');
    assertError(await otherApi(s, 'POST', `incidents/${inc.id}/publish`), 404, 'not_found');
    assertError(await api(s, 'POST', 'incidents/999999/publish'), 404, 'not_found', /no incident with id 999999 on this page/);
    assertError(await api(s, 'POST', `incidents/${m.id}/publish`), 404, 'not_found');
    assertError(await api(s, 'GET', `incidents/${inc.id}/publish`), 405, 'method_not_allowed');
    assertError(await request(s, 'POST', `/admin/api/v1/incidents/${inc.id}/publish`), 401, 'unauthorized');
  });

  const pub = await api(s, 'POST', `incidents/${inc.id}/publish/`);
  assert.equal(pub.status, 200, pub.text);
  assert.deepEqual(Object.keys(pub.json), ['incident']);
  assert.equal(pub.json.incident.draft, false);
  assert.equal(pub.json.incident.stage, 'identified');
  const latest = pub.json.incident.updates.at(-1).id;
  assert.deepEqual(notifyJobs(s, inc.id), [{ update_id: latest, channels: CH_ALL }],
    'one job, for the latest update, as a creation (SMS too)');
  assert.match(dbSql(s, `SELECT action FROM audit_log WHERE object_id = ${inc.id} AND action = 'incident.publish'`), /incident\.publish/);
  assert.deepEqual(await publicSightings(s, inc.id, title),
    ['/', `/incidents/${inc.id} (200)`, '/api/v2/incidents.json', '/api/v2/incidents/unresolved.json', '/api/v2/summary.json',
      '/feed', '/feed.atom']);
  await unchanged(async () => {
    assertError(await api(s, 'POST', `incidents/${inc.id}/publish`), 400, 'invalid_input',
      new RegExp(`incident ${inc.id} is published already`));
  });
  assert.equal((await postUpdate(inc.id, { stage: 'resolved', message: 'Drained.' })).status, 201);
  assert.equal(notifyJobs(s, inc.id).length, 2, 'published, its updates notify');
  assert.equal(await serviceStatus(s, svc), 'operational');
});

test('a resolved draft is published into the history without notifying anyone', async () => {
  const title = 'Draft: a blip last night';
  const inc = await open({ title, stage: 'resolved', draft: true });
  assert.equal(inc.draft, true);
  assert.deepEqual(await publicSightings(s, inc.id, title), []);
  const pub = await api(s, 'POST', `incidents/${inc.id}/publish`, { body: {} });
  assert.equal(pub.status, 200, pub.text);
  assert.equal(pub.json.incident.draft, false);
  assert.deepEqual(notifyJobs(s, inc.id), []);
  const seen = await publicSightings(s, inc.id, title);
  assert.ok(seen.includes('/history') && seen.includes(`/incidents/${inc.id} (200)`) && seen.includes('/api/v2/incidents.json'),
    seen.join(', '));
  assert.ok(!seen.includes('/api/v2/incidents/unresolved.json'));
});

test('a draft e-mails no confirmed subscriber; publishing sends the one e-mail', async () => {
  const w = await startWorld();
  try {
    await subscribeEmail(w, 'reader@example.test');
    const svc = (await api(w.s, 'POST', 'services', { body: { name: 'Payments' } })).json.service.id;
    const title = 'Payments are declined';
    const about = (ms) => ms.filter((x) => x.to.includes('reader@example.test') && x.headers.subject.includes(title));
    const draft = (await api(w.s, 'POST', 'incidents', { body: { title, message: 'Looking.', draft: true,
      services: [{ id: svc, status: 'major' }] } })).json.incident;
    assert.equal((await api(w.s, 'POST', `incidents/${draft.id}/updates`, { body: { stage: 'identified', message: 'Found it.' } })).status, 201);
    // a control incident, created after the draft: its e-mail arrives, the draft's never does
    const control = 'Control: search is slow';
    await api(w.s, 'POST', 'incidents', { body: { title: control, message: 'x' } });
    await w.smtp.waitFor((ms) => ms.some((x) => x.headers.subject.includes(control)), 20000, 'the control e-mail');
    await sleep(1500);
    assert.deepEqual(about(w.smtp.messages), [], 'no e-mail about the draft');
    assert.equal(dbSql(w.s, `SELECT COUNT(*) FROM deliveries d JOIN event_updates u ON u.id = d.update_id
      WHERE u.event_id = ${draft.id}`).trim(), '0');
    assert.equal((await api(w.s, 'POST', `incidents/${draft.id}/publish`)).status, 200);
    await w.smtp.waitFor((ms) => about(ms).length > 0, 20000, 'the published incident\'s e-mail');
    await sleep(1500);
    const mails = about(w.smtp.messages);
    assert.equal(mails.length, 1, 'exactly one e-mail');
    assert.match(mails[0].headers.subject, new RegExp(`Identified: ${title}`));
    assert.match(mails[0].text, /Found it\./);
  } finally {
    await stopClean(w.s);
    await stopWorld(w);
  }
});

test('a back-dated incident begins when it began: its period, the Statuspage JSON, the uptime', async () => {
  const svc = await createService(s, 'Back office');
  // the service is a day old
  dbSql(s, `UPDATE service_status_log SET started_at = started_at - 86400 WHERE service_id = ${svc}`);
  const began = new Date(Date.now() - 2 * 3600e3).toISOString().replace(/\.\d+Z$/, 'Z');
  const future = new Date(Date.now() + 600e3).toISOString().replace(/\.\d+Z$/, 'Z');
  await unchanged(async () => assertError(await create({ title: 'x', message: 'y', started_at: future }), 400, 'invalid_input', /started_at is in the future/));
  await unchanged(async () => assertError(await create({ title: 'x', message: 'y', started_at: 'yesterday' }), 400, 'invalid_input', /started_at/));
  const inc = await open({ title: 'Exports failed', started_at: began, services: [{ id: svc, status: 'major_outage' }] });
  assert.equal(inc.started_at, began);
  assert.ok(inc.created_at > began, 'created now');
  const log = dbSql(s, `SELECT started_at FROM service_status_log WHERE service_id = ${svc} ORDER BY id DESC LIMIT 1`).trim();
  assert.equal(Number(log), Date.parse(began) / 1000);
  const sp = (await request(s, 'GET', '/api/v2/incidents.json')).json.incidents.find((x) => x.id === String(inc.id));
  assert.equal(sp.started_at.replace(/\.\d+/, '').replace(/\+00:00$/, 'Z').slice(0, 19), began.slice(0, 19));
  const page = await request(s, 'GET', `/incidents/${inc.id}`);
  assert.match(page.text, new RegExp(`<span class="label">Began</span> <time datetime="${began}">`));
  // two hours of a day down (its history began a day ago): the uptime figure shows it
  const home = (await request(s, 'GET', '/')).text;
  const row = new RegExp(`data-service-id="${svc}"[\\s\\S]*?data-uptime-period>([\\d.]+)% uptime`).exec(home);
  assert.ok(row, 'the service row with its uptime');
  assert.ok(Number(row[1]) < 95, `two hours of outage count: ${row[1]}%`);
  await postUpdate(inc.id, { stage: 'resolved', message: 'Done.' });
});

test('pages are isolated: another page\'s token or incidents are out of reach', async () => {
  const svc = await createService(s, 'Mine');
  const inc = await open({ services: [{ id: svc, status: 'major' }] });
  await unchanged(async () => {
    // Page A's token on page B's host, and B's token on A's host: 403.
    assertError(await api(s, 'GET', 'incidents', { host: OTHER_HOST }), 403, 'forbidden', /another page/);
    assertError(await api(s, 'POST', 'incidents', { host: OTHER_HOST, body: { title: 'x', message: 'y' } }), 403, 'forbidden');
    assertError(await api(s, 'GET', `incidents/${inc.id}`, { token: s.otherToken }), 403, 'forbidden');
    // Page B's token on its own host cannot see or touch A's incident.
    assertError(await otherApi(s, 'GET', `incidents/${inc.id}`), 404, 'not_found');
    assertError(await otherApi(s, 'PATCH', `incidents/${inc.id}`, { body: { title: 'mine now' } }), 404, 'not_found');
    assertError(await otherApi(s, 'POST', `incidents/${inc.id}/updates`, { body: { stage: 'resolved', message: 'x' } }), 404, 'not_found');
    assertError(await otherApi(s, 'DELETE', `incidents/${inc.id}`), 404, 'not_found');
    assertError(await otherApi(s, 'POST', 'incidents', { body: { title: 'x', message: 'y', services: [svc] } }), 400, 'invalid_input',
      /no service with id \d+ on this page/);
  });
  const list = await otherApi(s, 'GET', 'incidents?limit=500');
  assert.equal(list.status, 200);
  assert.ok(!list.json.incidents.some((i) => i.id === inc.id));
  const theirs = await otherApi(s, 'POST', 'incidents', { body: { title: 'B down', message: 'b' } });
  assert.equal(theirs.status, 201, theirs.text);
  assertError(await api(s, 'GET', `incidents/${theirs.json.incident.id}`), 404, 'not_found');
  assert.equal(dbSql(s, `SELECT page_id FROM events WHERE id = ${theirs.json.incident.id}`).trim(), '2');
  assert.equal(dbSql(s, `SELECT page_id FROM notify_jobs j JOIN event_updates u ON u.id = j.update_id WHERE u.event_id = ${theirs.json.incident.id}`).trim(), '2');
});

// Last, so that every request above has run against the sanitized binary first.
test('the server shuts down cleanly (no sanitizer report)', async () => {
  const { code, signal } = await s.stop();
  assert.equal(code, 0, `it ended with ${code ?? signal}:\n` +
    s.log.split('\n').filter((l) => !/ INFO \d+-[0-9a-f]+ /.test(l)).join('\n').slice(-6000));
});
