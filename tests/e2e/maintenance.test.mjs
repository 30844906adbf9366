// Scheduled maintenance through the REST API (SPEC §5, §9, §10): every route, the
// MAINTENANCE shape, forward-only stages, under_maintenance while in progress and
// the hold rule shared with incidents, the outbox, bad input that changes nothing,
// other-page isolation, and the scheduler: automatic start and completion on
// time, a wake when the schedule changes, and catching up after a restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, startServer } from './lib/harness.mjs';
import {
  startTwoPages, otherApi, dbSql, assertError, unchangedBy, assertBadBodies, assertBadPaging, walk, RFC3339, OTHER_HOST,
} from './lib/admin.mjs';
import { createService, serviceStatus, eventState, notifyJobs, at, until, CH_ALL, CH_NO_SMS } from './lib/events.mjs';

let s;
before(async () => { s = await startTwoPages(); });
after(async () => { await s.stop(); s.cleanup(); });

const KEYS = ['id', 'kind', 'title', 'stage', 'impact', 'services', 'scheduled_start', 'scheduled_end', 'auto_start',
  'auto_complete', 'created_at', 'updated_at', 'completed_at', 'updates'];
const LATER = { scheduled_start: '2099-03-01T10:00:00Z', scheduled_end: '2099-03-01T12:00:00Z' };

const create = (body) => api(s, 'POST', 'maintenance', { body });
const postUpdate = (id, body) => api(s, 'POST', `maintenance/${id}/updates`, { body });
async function schedule(body) {
  const r = await create({ title: 'Database upgrade', message: 'We will upgrade the database.', ...LATER, ...body });
  assert.equal(r.status, 201, r.text);
  return r.json.maintenance;
}
const get = async (id) => (await api(s, 'GET', `maintenance/${id}`)).json.maintenance;
const unchanged = (fn) => unchangedBy(s, () => eventState(s), fn);

test('schedule maintenance: 201 with the MAINTENANCE shape; services untouched until it starts', async () => {
  const svc = await createService(s, 'Database');
  const r = await create({ title: 'Database upgrade', message: 'Planned *upgrade*.', ...LATER, services: [svc] });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(Object.keys(r.json), ['maintenance']);
  const m = r.json.maintenance;
  assert.deepEqual(Object.keys(m).sort(), [...KEYS].sort());
  assert.equal(m.kind, 'maintenance');
  assert.equal(m.stage, 'scheduled');
  assert.equal(m.impact, 'none');
  assert.equal(m.scheduled_start, LATER.scheduled_start);
  assert.equal(m.scheduled_end, LATER.scheduled_end);
  assert.equal(m.auto_start, true);
  assert.equal(m.auto_complete, true);
  assert.equal(m.completed_at, null);
  assert.match(m.created_at, RFC3339);
  assert.deepEqual(m.services, [{ id: svc, status: 'under_maintenance' }]);
  assert.deepEqual(m.updates.map((u) => [u.stage, u.message, u.notify]), [['scheduled', 'Planned *upgrade*.', true]]);
  assert.equal(await serviceStatus(s, svc), 'operational', 'scheduled maintenance does not hold its services');
  assert.deepEqual(notifyJobs(s, m.id).map((j) => j.channels), [CH_ALL]);
  assert.deepEqual((await api(s, 'GET', `maintenance/${m.id}/`)).json, { maintenance: m });

  const manual = await schedule({ auto_start: false, auto_complete: false, notify: false });
  assert.equal(manual.auto_start, false);
  assert.equal(manual.auto_complete, false);
  assert.equal(manual.updates[0].notify, false);
  assert.deepEqual(notifyJobs(s, manual.id), []);
});

test('stages move forward only; in progress holds services under_maintenance; complete releases', async () => {
  const a = await createService(s, 'Forward A');
  const b = await createService(s, 'Forward B');
  const m = await schedule({ services: [a] });
  await unchanged(async () => {
    assertError(await postUpdate(m.id, { stage: 'resolved', message: 'x' }), 400, 'invalid_input',
      /unknown maintenance stage "resolved"; accepted: scheduled, in_progress, verification, complete/);
  });
  const same = await postUpdate(m.id, { message: 'Moved one hour later.' });
  assert.equal(same.status, 201, same.text);
  assert.equal(same.json.maintenance.stage, 'scheduled', 'the stage defaults to the current one');

  const start = await postUpdate(m.id, { stage: 'In Progress', message: 'Starting.' });
  assert.equal(start.status, 201, start.text);
  assert.equal(start.json.maintenance.stage, 'in_progress');
  assert.equal(await serviceStatus(s, a), 'under_maintenance');
  const more = await postUpdate(m.id, { stage: 'in_progress', message: 'Also B.', services: [b] });
  assert.equal(more.status, 201, more.text);
  assert.equal(await serviceStatus(s, b), 'under_maintenance', 'a service added while in progress is held at once');
  assert.deepEqual(more.json.maintenance.services, [{ id: a, status: 'under_maintenance' }, { id: b, status: 'under_maintenance' }]);

  const verify = await postUpdate(m.id, { stage: 'verifying', message: 'Checking.' });
  assert.equal(verify.json.maintenance.stage, 'verification');
  assert.equal(await serviceStatus(s, a), 'under_maintenance', 'verification still holds');
  await unchanged(async () => {
    for (const stage of ['scheduled', 'in_progress'])
      assertError(await postUpdate(m.id, { stage, message: 'back' }), 400, 'invalid_input',
        new RegExp(`maintenance ${m.id} is verification and cannot move to ${stage}.*accepted: verification, complete`));
  });
  const done = await postUpdate(m.id, { stage: 'completed', message: 'Done.' });
  assert.equal(done.status, 201, done.text);
  assert.equal(done.json.maintenance.stage, 'complete');
  assert.match(done.json.maintenance.completed_at, RFC3339);
  assert.equal(await serviceStatus(s, a), 'operational');
  assert.equal(await serviceStatus(s, b), 'operational');
  // Scheduled, scheduled, in progress, in progress, verification (no SMS), complete.
  assert.deepEqual(notifyJobs(s, m.id).map((j) => j.channels), [CH_ALL, CH_ALL, CH_ALL, CH_ALL, CH_NO_SMS, CH_ALL]);

  const before = await get(m.id);
  await unchanged(async () => {
    for (const body of [{ stage: 'complete', message: 'again' }, { message: 'p.s.' }, { stage: 'scheduled', message: 'redo' }])
      assertError(await postUpdate(m.id, body), 400, 'invalid_input',
        /complete maintenance takes no more updates.*schedule new maintenance/);
  });
  assert.deepEqual(await get(m.id), before);
});

test('maintenance may be created in progress; not in a later stage', async () => {
  const svc = await createService(s, 'Now');
  const m = await schedule({ stage: 'in_progress', services: [svc] });
  assert.equal(m.stage, 'in_progress');
  assert.equal(await serviceStatus(s, svc), 'under_maintenance');
  assert.deepEqual(notifyJobs(s, m.id).map((j) => j.channels), [CH_ALL]);
  await unchanged(async () => {
    for (const stage of ['verification', 'complete'])
      assertError(await create({ title: 't', message: 'm', ...LATER, stage }), 400, 'invalid_input',
        /new maintenance starts as scheduled or in_progress/);
  });
  // Straight from scheduled to complete: it never held the service, so it leaves it alone.
  const other = await createService(s, 'Skipped');
  await api(s, 'PUT', `service/put/${other}/degraded`);
  const skip = await schedule({ services: [other] });
  assert.equal((await postUpdate(skip.id, { stage: 'complete', message: 'Cancelled.' })).status, 201);
  assert.equal(await serviceStatus(s, other), 'degraded_performance');
  assert.equal((await api(s, 'DELETE', `maintenance/${m.id}`)).status, 204);
  assert.equal(await serviceStatus(s, svc), 'operational', 'deleting maintenance in progress releases its services');
});

test('hold rule across kinds: a service held by several events shows the worst of their statuses', async () => {
  const svc = await createService(s, 'Shared');
  const resolve = (id) => api(s, 'POST', `incidents/${id}/updates`, { body: { stage: 'resolved', message: 'ok' } });
  const inc = await api(s, 'POST', 'incidents', { body: { title: 'Outage', message: 'down', services: [{ id: svc, status: 'partial_outage' }] } });
  assert.equal(inc.status, 201, inc.text);
  const m = await schedule({ services: [svc] });
  assert.equal((await postUpdate(m.id, { stage: 'in_progress', message: 'Fixing it during maintenance.' })).status, 201);
  assert.equal(await serviceStatus(s, svc), 'partial_outage', 'maintenance starting does not hide the open incident');
  assert.equal((await resolve(inc.json.incident.id)).status, 201);
  assert.equal(await serviceStatus(s, svc), 'under_maintenance', 'held by the maintenance in progress');
  await postUpdate(m.id, { stage: 'complete', message: 'Done.' });
  assert.equal(await serviceStatus(s, svc), 'operational', 'no holder left');

  // The other order: maintenance in progress, then an incident.
  const m2 = await schedule({ stage: 'in_progress', services: [svc] });
  assert.equal(await serviceStatus(s, svc), 'under_maintenance');
  const inc2 = await api(s, 'POST', 'incidents', { body: { title: 'Errors', message: 'errors', services: [{ id: svc, status: 'partial' }] } });
  assert.equal(await serviceStatus(s, svc), 'partial_outage');
  // A service added to maintenance while the incident is open keeps the incident's status.
  await postUpdate(m2.id, { message: 'Still at it.', services: [svc] });
  assert.equal(await serviceStatus(s, svc), 'partial_outage');
  await resolve(inc2.json.incident.id);
  assert.equal(await serviceStatus(s, svc), 'under_maintenance', 'held by the maintenance in progress');
  await postUpdate(m2.id, { stage: 'complete', message: 'Done.' });
  assert.equal(await serviceStatus(s, svc), 'operational');

  // Maintenance first, then the incident completes it: the incident's status stays.
  const m3 = await schedule({ stage: 'in_progress', services: [svc] });
  const inc3 = await api(s, 'POST', 'incidents', { body: { title: 'Slow', message: 'slow', services: [{ id: svc, status: 'degraded' }] } });
  await postUpdate(m3.id, { stage: 'complete', message: 'Done.' });
  assert.equal(await serviceStatus(s, svc), 'degraded_performance', 'the open incident still holds it');
  await resolve(inc3.json.incident.id);
  assert.equal(await serviceStatus(s, svc), 'operational');

  // Scheduled maintenance holds nothing.
  const inc4 = await api(s, 'POST', 'incidents', { body: { title: 'Again', message: 'x', services: [{ id: svc, status: 'partial' }] } });
  await schedule({ services: [svc] });
  await resolve(inc4.json.incident.id);
  assert.equal(await serviceStatus(s, svc), 'operational');
});

test('an incident naming a service without a status during maintenance does not keep it under maintenance', async () => {
  const svc = await createService(s, 'Quiet link');
  const m = await schedule({ stage: 'in_progress', services: [svc] });
  const inc = await api(s, 'POST', 'incidents', { body: { title: 'Related', message: 'x', services: [svc] } });
  assert.equal(inc.status, 201, inc.text);
  assert.equal(await serviceStatus(s, svc), 'under_maintenance');
  assert.deepEqual(inc.json.incident.services, [{ id: svc, status: 'operational' }], 'the incident sets no status of its own');
  await postUpdate(m.id, { stage: 'complete', message: 'Done.' });
  assert.equal(await serviceStatus(s, svc), 'operational', 'the maintenance is over; the incident named no status');
  await api(s, 'POST', `incidents/${inc.json.incident.id}/updates`, { body: { stage: 'resolved', message: 'ok' } });
  assert.equal(await serviceStatus(s, svc), 'operational');

  // A status set by hand, held by nobody, is still the one a plain id keeps.
  await api(s, 'PUT', `service/put/${svc}/major/`);
  const inc2 = await api(s, 'POST', 'incidents', { body: { title: 'Down', message: 'x', services: [svc] } });
  assert.deepEqual(inc2.json.incident.services, [{ id: svc, status: 'major_outage' }]);
  await api(s, 'POST', `incidents/${inc2.json.incident.id}/updates`, { body: { stage: 'resolved', message: 'ok' } });
  assert.equal(await serviceStatus(s, svc), 'operational');
});

test('PATCH reschedules and renames; notifies nobody; complete maintenance keeps its schedule', async () => {
  const m = await schedule({});
  const jobs = dbSql(s, 'SELECT COUNT(*) FROM notify_jobs');
  const r = await api(s, 'PATCH', `maintenance/${m.id}`, {
    body: { title: 'Database upgrade (moved)', scheduled_start: '2099-03-02T10:00:00+02:00', scheduled_end: '2099-03-02T11:00:00Z', auto_complete: false },
  });
  assert.equal(r.status, 200, r.text);
  const p = r.json.maintenance;
  assert.equal(p.title, 'Database upgrade (moved)');
  assert.equal(p.scheduled_start, '2099-03-02T08:00:00Z');
  assert.equal(p.scheduled_end, '2099-03-02T11:00:00Z');
  assert.equal(p.auto_start, true, 'absent fields keep their value');
  assert.equal(p.auto_complete, false);
  assert.deepEqual(p.updates, m.updates);
  assert.equal(dbSql(s, 'SELECT COUNT(*) FROM notify_jobs'), jobs);
  await unchanged(async () => {
    assertError(await api(s, 'PATCH', `maintenance/${m.id}`, { body: { scheduled_end: '2099-03-02T08:00:00Z' } }), 400,
      'invalid_input', /scheduled_end must be after scheduled_start/);
    assertError(await api(s, 'PATCH', `maintenance/${m.id}`, { body: { scheduled_start: 'soon' } }), 400, 'invalid_input',
      /scheduled_start must be an RFC 3339 time/);
    assertError(await api(s, 'PATCH', `maintenance/${m.id}`, { body: { auto_start: 'no' } }), 400, 'invalid_input',
      /auto_start must be true or false/);
    assertError(await api(s, 'PATCH', `maintenance/${m.id}`, { body: { stage: 'complete' } }), 400, 'invalid_input',
      /unknown field "stage"; accepted fields: title, scheduled_start, scheduled_end, auto_start, auto_complete/);
    assertError(await api(s, 'PATCH', 'maintenance/999999', { body: { title: 'x' } }), 404, 'not_found', /no maintenance with id 999999/);
    await assertBadBodies(s, 'PATCH', `maintenance/${m.id}`);
  });
  await postUpdate(m.id, { stage: 'complete', message: 'Cancelled.' });
  await unchanged(async () => {
    assertError(await api(s, 'PATCH', `maintenance/${m.id}`, { body: { scheduled_end: '2099-04-01T00:00:00Z' } }), 400,
      'invalid_input', /is complete; its schedule no longer changes/);
  });
  const t = await api(s, 'PATCH', `maintenance/${m.id}`, { body: { title: 'Cancelled upgrade' } });
  assert.equal(t.status, 200, t.text);
  assert.equal(t.json.maintenance.title, 'Cancelled upgrade');
});

test('list: newest first, keyset pages, ?state=open|complete; DELETE answers 204', async () => {
  const made = [];
  for (let i = 0; i < 4; i++) made.push((await schedule({ title: `List ${i}` })).id);
  await postUpdate(made[0], { stage: 'complete', message: 'done' });
  const all = await walk(s, 'maintenance', 'maintenance', 3);
  const ids = all.map((m) => m.id);
  assert.deepEqual(ids, [...ids].sort((x, y) => y - x));
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(ids.length, Number(dbSql(s, "SELECT COUNT(*) FROM events WHERE page_id = 1 AND kind = 'maintenance'")));
  assert.ok(all.every((m) => m.kind === 'maintenance'));
  const first = await api(s, 'GET', 'maintenance?limit=1');
  assert.deepEqual(Object.keys(first.json).sort(), ['maintenance', 'next_cursor']);
  assert.equal(first.json.next_cursor, String(first.json.maintenance[0].id));
  const open = await walk(s, 'maintenance', 'maintenance', 2, '&state=open');
  const complete = await walk(s, 'maintenance', 'maintenance', 2, '&state=complete');
  assert.ok(open.every((m) => m.completed_at === null));
  assert.ok(complete.every((m) => m.stage === 'complete'));
  assert.ok(complete.some((m) => m.id === made[0]));
  assert.equal(open.length + complete.length, all.length);
  assertError(await api(s, 'GET', 'maintenance?state=resolved'), 400, 'invalid_input', /unknown state "resolved"; accepted: open, complete/);
  await assertBadPaging(s, 'maintenance');

  assert.equal((await api(s, 'DELETE', `maintenance/${made[1]}/`)).status, 204);
  assertError(await api(s, 'GET', `maintenance/${made[1]}`), 404, 'not_found');
  assertError(await api(s, 'DELETE', `maintenance/${made[1]}`), 404, 'not_found');
});

test('template_id prefills maintenance from a maintenance template only', async () => {
  dbSql(s, `INSERT INTO templates (page_id, kind, name, title, message, created_at, updated_at) VALUES
    (1, 'maintenance', 'm-upgrade', 'Network upgrade', 'Routers will be replaced.', 0, 0),
    (1, 'incident', 'm-incident', 'Outage', 'Down.', 0, 0)`);
  const ids = Object.fromEntries(dbSql(s, "SELECT name, id FROM templates WHERE name LIKE 'm-%'").trim().split('\n').map((l) => l.split('|')));
  const r = await create({ template_id: Number(ids['m-upgrade']), ...LATER });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.maintenance.title, 'Network upgrade');
  assert.equal(r.json.maintenance.updates[0].message, 'Routers will be replaced.');
  await unchanged(async () => {
    assertError(await create({ template_id: Number(ids['m-incident']), ...LATER }), 400, 'invalid_input',
      /is a template for incidents; use one for maintenance/);
  });
});

test('bad input answers 400/404 with a JSON error and changes nothing', async () => {
  const svc = await createService(s, 'Maint bad');
  const theirs = (await otherApi(s, 'POST', 'services', { body: { name: 'Theirs' } })).json.service.id;
  const m = await schedule({ services: [svc] });
  const ok = { title: 'T', message: 'M', ...LATER };
  const bad = [
    [{ title: 'T', message: 'M', scheduled_end: LATER.scheduled_end }, /scheduled_start is required/],
    [{ title: 'T', message: 'M', scheduled_start: LATER.scheduled_start }, /scheduled_end is required/],
    [{ ...ok, scheduled_start: 'tomorrow' }, /scheduled_start must be an RFC 3339 time such as/],
    [{ ...ok, scheduled_end: '2099-13-01T00:00:00Z' }, /scheduled_end must be an RFC 3339 time/],
    [{ ...ok, scheduled_end: 1700000000 }, /scheduled_end must be an RFC 3339 time/],
    [{ ...ok, scheduled_end: LATER.scheduled_start }, /scheduled_end must be after scheduled_start/],
    [{ ...ok, scheduled_end: '2099-03-01T09:00:00Z' }, /scheduled_end must be after scheduled_start/],
    [{ ...ok, stage: 'investigating' }, /unknown maintenance stage "investigating"/],
    [{ ...ok, services: [{ id: svc, status: 'major' }] }, /services\[0\]: unknown field "status"; accepted fields: id/],
    [{ ...ok, services: ['x'] }, /services\[0\]: must be a service id/],
    [{ ...ok, services: [999999] }, /no service with id 999999 on this page/],
    [{ ...ok, services: [theirs] }, /on this page/],
    [{ ...ok, auto_start: 'yes' }, /auto_start must be true or false/],
    [{ ...ok, auto_complete: 0 }, /auto_complete must be true or false/],
    [{ ...ok, title: 'x'.repeat(201) }, /at most 200/],
    [{ ...ok, message: 'x'.repeat(20001) }, /at most 20000/],
    [{ ...ok, impact: 'major' }, /unknown field "impact"/],
    [{ ...LATER, message: 'M' }, /title is required/],
  ];
  await unchanged(async () => {
    for (const [body, pattern] of bad) assertError(await create(body), 400, 'invalid_input', pattern);
    await assertBadBodies(s, 'POST', 'maintenance');
    for (const [body, pattern] of [
      [{ stage: 'done', message: 'x' }, /unknown maintenance stage "done"/],
      [{ stage: 'in_progress' }, /message is required/],
      [{ message: 'x', services: [{ id: svc, status: 'major' }] }, /unknown field "status"/],
      [{ message: 'x', services: [theirs] }, /on this page/],
    ]) assertError(await postUpdate(m.id, body), 400, 'invalid_input', pattern);
    await assertBadBodies(s, 'POST', `maintenance/${m.id}/updates`);
    assertError(await postUpdate(999999, { message: 'x' }), 404, 'not_found', /no maintenance with id 999999 on this page/);
    // Page isolation, as for incidents.
    assertError(await api(s, 'GET', 'maintenance', { host: OTHER_HOST }), 403, 'forbidden');
    assertError(await otherApi(s, 'GET', `maintenance/${m.id}`), 404, 'not_found');
    assertError(await otherApi(s, 'POST', `maintenance/${m.id}/updates`, { body: { stage: 'complete', message: 'x' } }), 404, 'not_found');
    assertError(await otherApi(s, 'DELETE', `maintenance/${m.id}`), 404, 'not_found');
  });
});

test('scheduler: starts at scheduled_start and completes at scheduled_end on its own', async () => {
  const svc = await createService(s, 'Auto');
  const manualSvc = await createService(s, 'Manual');
  const times = { scheduled_start: at(2000), scheduled_end: at(4000) };
  const auto = await schedule({ title: 'Auto', ...times, services: [svc] });
  const manual = await schedule({ title: 'Manual', ...times, auto_start: false, services: [manualSvc] });

  await until(async () => (await get(auto.id)).stage === 'in_progress', { what: 'the automatic start' });
  assert.equal(await serviceStatus(s, svc), 'under_maintenance');
  const done = await until(async () => { const m = await get(auto.id); return m.stage === 'complete' && m; },
    { what: 'the automatic completion' });
  assert.equal(await serviceStatus(s, svc), 'operational');
  assert.match(done.completed_at, RFC3339);
  assert.ok(Date.parse(done.completed_at) >= Date.parse(times.scheduled_end), 'not completed before its end');
  assert.deepEqual(done.updates.map((u) => [u.stage, u.message, u.notify]), [
    ['scheduled', 'We will upgrade the database.', true],
    ['in_progress', 'Scheduled maintenance has started.', true],
    ['complete', 'Scheduled maintenance is complete.', true],
  ]);
  assert.deepEqual(notifyJobs(s, auto.id).map((j) => j.channels), [CH_ALL, CH_ALL, CH_ALL]);
  assert.match(dbSql(s, `SELECT GROUP_CONCAT(actor || ' ' || action) FROM audit_log WHERE object_id = ${auto.id}`),
    /system maintenance\.auto_start,system maintenance\.auto_complete/);

  const m = await get(manual.id);
  assert.equal(m.stage, 'scheduled', 'without auto_start it waits for a person');
  assert.equal(await serviceStatus(s, manualSvc), 'operational');
});

test('scheduler: a changed schedule is picked up at once', async () => {
  const m = await schedule({});
  const r = await api(s, 'PATCH', `maintenance/${m.id}`, { body: { scheduled_start: at(1000), scheduled_end: at(60000) } });
  assert.equal(r.status, 200, r.text);
  await until(async () => (await get(m.id)).stage === 'in_progress', { timeout: 5000, what: 'the rescheduled start' });
});

test('scheduler: catches up on start with what fell due while the server was down', async () => {
  const srv = await startTwoPages();
  try {
    const mk = async (body) => {
      const r = await api(srv, 'POST', 'maintenance', { body: { title: 'Night work', message: 'm', ...LATER, ...body } });
      assert.equal(r.status, 201, r.text);
      return r.json.maintenance.id;
    };
    const svcA = (await api(srv, 'POST', 'services', { body: { name: 'A' } })).json.service.id;
    const svcB = (await api(srv, 'POST', 'services', { body: { name: 'B' } })).json.service.id;
    const over = await mk({ services: [svcA] });
    const running = await mk({ services: [svcB] });
    const asleep = await mk({ auto_start: false });
    assert.equal((await srv.stop()).code, 0);

    const now = Math.floor(Date.now() / 1000);
    dbSql(srv, `UPDATE events SET scheduled_start = ${now - 7200}, scheduled_end = ${now - 3600} WHERE id IN (${over}, ${asleep});
                 UPDATE events SET scheduled_start = ${now - 60}, scheduled_end = ${now + 3600} WHERE id = ${running}`);
    const again = await startServer({ dataDir: srv.dataDir });
    again.token = srv.token;
    try {
      const stageOf = async (id) => (await api(again, 'GET', `maintenance/${id}`)).json.maintenance;
      const m1 = await until(async () => { const m = await stageOf(over); return m.stage === 'complete' && m; }, { what: 'catch-up' });
      assert.deepEqual(m1.updates.map((u) => u.stage), ['scheduled', 'complete'], 'long over: completed directly');
      assert.equal((await api(again, 'GET', `services/${svcA}`)).json.service.status, 'operational');
      const m2 = await until(async () => { const m = await stageOf(running); return m.stage === 'in_progress' && m; }, { what: 'catch-up start' });
      assert.equal(m2.updates.at(-1).message, 'Scheduled maintenance has started.');
      assert.equal((await api(again, 'GET', `services/${svcB}`)).json.service.status, 'under_maintenance');
      assert.equal((await stageOf(asleep)).stage, 'scheduled');
    } finally {
      assert.equal((await again.stop()).code, 0, again.log.slice(-4000));
    }
  } finally {
    srv.cleanup();
  }
});

test('"notify": false holds through timed steps; a window already over is created complete', async () => {
  const svc = await createService(s, 'Quiet');
  // already over when posted: complete at once, one update, nothing queued
  const past = await schedule({ title: 'Past quiet', scheduled_start: at(-7200e3), scheduled_end: at(-3600e3), notify: false, services: [svc] });
  assert.equal(past.stage, 'complete');
  assert.deepEqual(past.updates.map((u) => [u.stage, u.notify]), [['complete', false]]);
  assert.match(past.completed_at, RFC3339);
  assert.equal(await serviceStatus(s, svc), 'operational');
  // the same with notify (the default): one update that notifies as a completion
  const told = await schedule({ title: 'Past told', scheduled_start: at(-7200e3), scheduled_end: at(-3600e3) });
  assert.deepEqual(told.updates.map((u) => [u.stage, u.notify]), [['complete', true]]);
  assert.deepEqual(notifyJobs(s, told.id).map((j) => j.channels), [CH_ALL]);
  // a current window still goes through in_progress; a coming one through both steps, quietly
  const now = await schedule({ title: 'Now quiet', scheduled_start: at(-60e3), scheduled_end: at(3600e3), notify: false });
  const soon = await schedule({ title: 'Soon quiet', scheduled_start: at(1500), scheduled_end: at(3000), notify: false });
  const m1 = await until(async () => { const m = await get(now.id); return m.stage === 'in_progress' && m; }, { what: 'the start' });
  assert.deepEqual(m1.updates.map((u) => [u.stage, u.notify]), [['scheduled', false], ['in_progress', false]]);
  const m2 = await until(async () => { const m = await get(soon.id); return m.stage === 'complete' && m; }, { what: 'the completion' });
  assert.deepEqual(m2.updates.map((u) => [u.stage, u.notify]), [['scheduled', false], ['in_progress', false], ['complete', false]]);
  for (const id of [past.id, now.id, soon.id]) assert.deepEqual(notifyJobs(s, id), [], `maintenance ${id} queued nothing`);
  // a later update that notifies makes the next timed step notify again
  assert.equal((await postUpdate(now.id, { message: 'Half way.', notify: true })).status, 201);
  assert.equal((await api(s, 'PATCH', `maintenance/${now.id}`, { body: { scheduled_end: at(1000) } })).status, 200);
  const m3 = await until(async () => { const m = await get(now.id); return m.stage === 'complete' && m; }, { what: 'the completion' });
  assert.deepEqual(m3.updates.map((u) => u.notify), [false, false, true, true]);
});

// Last, so that every request above has run against the sanitized binary first.
test('the server shuts down cleanly (no sanitizer report)', async () => {
  const { code, signal } = await s.stop();
  assert.equal(code, 0, `it ended with ${code ?? signal}:\n` +
    s.log.split('\n').filter((l) => !/ INFO \d+-[0-9a-f]+ /.test(l)).join('\n').slice(-6000));
});
