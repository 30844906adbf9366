// Services through the REST API and the two eStatus.io-compatible endpoints (SPEC §9).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWithToken, api, request, cli, dbSql } from './lib/harness.mjs';
import { assertError } from './lib/admin.mjs';

let s;
before(async () => { s = await startWithToken(); });
after(async () => { await s.stop(); s.cleanup(); });

const SERVICE_KEYS = ['id', 'name', 'description', 'group_id', 'position', 'status', 'updated_at'];

test('create, read, update and delete a service', async () => {
  const c = await api(s, 'POST', 'services', { body: { name: 'Website', description: 'The site' } });
  assert.equal(c.status, 201);
  const svc = c.json.service;
  for (const k of SERVICE_KEYS) assert.ok(k in svc, `service has ${k}`);
  assert.equal(svc.status, 'operational');
  assert.equal(svc.group_id, null);
  assert.match(svc.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  const g = await api(s, 'GET', `services/${svc.id}/`);
  assert.equal(g.status, 200);
  assert.deepEqual(g.json.service, svc);

  const p = await api(s, 'PATCH', `services/${svc.id}`, { body: { name: 'Web site', status: 'Partial-Outage', position: 7 } });
  assert.equal(p.status, 200);
  assert.equal(p.json.service.name, 'Web site');
  assert.equal(p.json.service.status, 'partial_outage');
  assert.equal(p.json.service.position, 7);
  assert.equal(p.json.service.description, 'The site');

  const d = await api(s, 'DELETE', `services/${svc.id}`);
  assert.equal(d.status, 204);
  assert.equal((await api(s, 'GET', `services/${svc.id}`)).status, 404);
  assert.equal((await api(s, 'DELETE', `services/${svc.id}`)).status, 404);
});

test('eStatus: list services and set a status with PUT or POST, aliases accepted', async () => {
  const a = (await api(s, 'POST', 'services', { body: { name: 'API' } })).json.service;
  const b = (await api(s, 'POST', 'services', { body: { name: 'Email' } })).json.service;
  const l = await api(s, 'GET', 'service/services/list/');
  assert.equal(l.status, 200);
  const ids = l.json.services.map((x) => x.id);
  assert.ok(ids.includes(a.id) && ids.includes(b.id));
  assert.ok(ids.indexOf(a.id) < ids.indexOf(b.id), 'ordered by position');

  const cases = [['PUT', 'major', 'major_outage'], ['POST', 'degraded', 'degraded_performance'],
    ['PUT', 'Under Maintenance', 'under_maintenance'], ['PUT', 'partial', 'partial_outage'],
    ['POST', 'OPERATIONAL', 'operational'], ['PUT', 'outage', 'major_outage']];
  for (const [method, input, want] of cases) {
    const r = await api(s, method, `service/put/${a.id}/${encodeURIComponent(input)}/`);
    assert.equal(r.status, 200, `${method} ${input}`);
    assert.equal(r.json.service.id, a.id);
    assert.equal(r.json.service.status, want);
  }
  // Without the trailing slash too, and with the Bearer header.
  const r = await request(s, 'PUT', `/admin/api/v1/service/put/${a.id}/operational`, {
    headers: { Authorization: `Bearer ${s.token}` } });
  assert.equal(r.status, 200);
  assert.equal(r.json.service.status, 'operational');
});

test('eStatus: unknown status and unknown service are refused and change nothing', async () => {
  const a = (await api(s, 'POST', 'services', { body: { name: 'Queue' } })).json.service;
  const bad = await api(s, 'PUT', `service/put/${a.id}/broken/`);
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, 'invalid_input');
  assert.match(bad.json.error.message, /unknown status "broken"; accepted: operational, degraded_performance/);
  assert.equal((await api(s, 'GET', `services/${a.id}`)).json.service.status, 'operational');
  const missing = await api(s, 'PUT', 'service/put/999999/major/');
  assert.equal(missing.status, 404);
  assert.match(missing.json.error.message, /no service with id 999999/);
  const notid = await api(s, 'PUT', 'service/put/abc/major/');
  assert.equal(notid.status, 404);
});

// On PostgreSQL the PUT checks the token and locks the service in one statement when all is well
// (app_service_set_status_by_token); every other case must still be refused, say why, and
// change nothing.
test('eStatus PUT: a missing, unknown, revoked or other page\'s token is refused and changes nothing', async () => {
  const a = (await api(s, 'POST', 'services', { body: { name: 'Login' } })).json.service;
  const put = (token, opts = {}) => request(s, 'PUT', `/admin/api/v1/service/put/${a.id}/major/`, { token, ...opts });
  const created = (args) => {
    const r = cli(args, { dataDir: s.dataDir });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };
  created(['page', 'add', '--slug', 'b', '--title', 'Bee', '--host', 'b.test']);
  const bToken = created(['token', 'create', '--name', 'b monitor', '--page', 'b']);
  const spare = created(['token', 'create', '--name', 'spare']);
  const spareId = Number(dbSql(s, `SELECT id FROM api_tokens WHERE name = 'spare'`).trim());
  dbSql(s, `UPDATE api_tokens SET revoked_at = 1 WHERE id = ${spareId}`);
  const rowsBefore = dbSql(s, `SELECT COUNT(*) FROM service_status_log WHERE service_id = ${a.id}`);

  assertError(await put(undefined), 401, 'unauthorized', /API token is required/);
  assertError(await put('phr_nope'), 401, 'unauthorized', /unknown or revoked/);
  assertError(await put(spare), 401, 'unauthorized', /unknown or revoked/);
  assertError(await put(bToken), 403, 'forbidden', /another page/);
  // page b's token on page b's host: the default page's service is not there
  assertError(await put(bToken, { host: 'b.test' }), 404, 'not_found', new RegExp(`no service with id ${a.id}`));
  assert.equal((await api(s, 'GET', `services/${a.id}`)).json.service.status, 'operational');
  assert.equal(dbSql(s, `SELECT COUNT(*) FROM service_status_log WHERE service_id = ${a.id}`), rowsBefore);

  const ok = await put(s.token);
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(Object.keys(ok.json.service).sort(), Object.keys(a).sort(), 'the same fields as the service');
  assert.equal(ok.json.service.status, 'major_outage');
  const tokenId = Number(dbSql(s, `SELECT id FROM api_tokens WHERE name = 'e2e'`).trim());
  assert.equal(dbSql(s, `SELECT actor FROM audit_log WHERE action = 'service.status' AND object_id = ${a.id}`).trim(),
    `token:${tokenId}`);
});

test('list pagination with limit and next_cursor', async () => {
  for (let i = 0; i < 5; i++) await api(s, 'POST', 'services', { body: { name: `P${i}` } });
  const all = (await api(s, 'GET', 'services?limit=500')).json.services;
  const seen = [];
  let cursor = '';
  for (let pages = 0; pages < 50; pages++) {
    const r = await api(s, 'GET', `services?limit=2${cursor ? '&cursor=' + cursor : ''}`);
    assert.equal(r.status, 200);
    assert.ok(r.json.services.length <= 2);
    seen.push(...r.json.services.map((x) => x.id));
    if (r.json.next_cursor === null) break;
    cursor = encodeURIComponent(r.json.next_cursor);
  }
  assert.deepEqual(seen, all.map((x) => x.id));
  for (const q of ['limit=0', 'limit=501', 'limit=x', 'cursor=zz']) {
    const r = await api(s, 'GET', `services?${q}`);
    assert.equal(r.status, 400, q);
  }
});

test('services in groups are listed by group position, then position', async () => {
  const g = await api(s, 'POST', 'groups', { body: { name: 'Backend' } });
  assert.equal(g.status, 201);
  const gid = g.json.group.id;
  const x = (await api(s, 'POST', 'services', { body: { name: 'Grouped B', group_id: gid, position: 2 } })).json.service;
  const y = (await api(s, 'POST', 'services', { body: { name: 'Grouped A', group_id: gid, position: 1 } })).json.service;
  const ids = (await api(s, 'GET', 'service/services/list')).json.services.map((v) => v.id);
  assert.ok(ids.indexOf(y.id) < ids.indexOf(x.id));
  assert.equal(ids.indexOf(x.id), ids.length - 1, 'grouped services come after ungrouped ones');
  const bad = await api(s, 'POST', 'services', { body: { name: 'Nope', group_id: 987654 } });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /group_id 987654/);
});
