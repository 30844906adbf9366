// The OpenAPI description, GET /admin/api/v1/openapi.json (SPEC §9): served without
// a token with an ETag, a well-formed OpenAPI 3.0 document, and true to the server:
// every operation it lists is routed, every SPEC §9 route is listed, a documented
// path answers 405 to the methods it does not document, and the objects the server
// returns have exactly the documented fields, types and enum values. A path outside the
// base (the alert webhook, at the server's root) carries its own servers entry, and is
// resolved against it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWithToken, request, dbSql } from './lib/harness.mjs';

const BASE = '/admin/api/v1';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
// The router's answer for a path no route matches (a 404 for an unknown id differs).
const UNKNOWN_ROUTE = /^no such page or resource/;

// SPEC §9 (and §14), route by route (paths relative to the base, templated as in the
// document; a path of ROOT_PATHS relative to the server's root).
const SPEC_ROUTES = [
  ['get', '/service/services/list'],
  ['put', '/service/put/{serviceId}/{status}'],
  ['post', '/service/put/{serviceId}/{status}'],
  ...['services', 'groups', 'incidents', 'maintenance', 'templates', 'subscribers', 'monitors'].flatMap((r) => [
    ['get', `/${r}`], ['post', `/${r}`],
    ['get', `/${r}/{id}`], ['patch', `/${r}/{id}`], ['delete', `/${r}/{id}`],
  ]),
  ['get', '/subscribers/{id}/export'],
  ['post', '/incidents/{id}/updates'],
  ['post', '/incidents/{id}/publish'],
  ['post', '/incidents/{id}/postmortem'],
  ['post', '/maintenance/{id}/updates'],
  ['get', '/monitors/{id}/results'],
  ['get', '/monitors/{id}/rollups'],
  ['get', '/alert-sources'],
  ['post', '/alert-sources'],
  ['delete', '/alert-sources/{id}'],
  ['post', '/hooks/alerts/{secret}'],
  ['get', '/deliveries'],
  ['get', '/integrations/{kind}'],
  ['put', '/integrations/{kind}'],
  ['get', '/page'],
  ['patch', '/page'],
  ['get', '/openapi.json'],
];
const LISTS = ['/services', '/groups', '/incidents', '/maintenance', '/templates', '/subscribers', '/deliveries',
  '/monitors', '/alert-sources'];
const SCHEMAS = ['Service', 'Group', 'Incident', 'Update', 'Maintenance', 'Template', 'Subscriber',
  'Delivery', 'Integration', 'Page', 'Monitor', 'MonitorResult', 'MonitorRollup', 'AlertSource', 'Error'];
// The paths outside the base, at the server's root: each has its own servers, [{"url":"/"}].
const ROOT_PATHS = ['/hooks/alerts/{secret}'];
// The operations that need no token (security: []): the secret in the hook's path is its credential.
const PUBLIC = ['/openapi.json', '/hooks/alerts/{secret}'];

let server;
let doc;
let served;

before(async () => {
  server = await startWithToken();
  served = await request(server, 'GET', `${BASE}/openapi.json`);
  doc = served.json;
});
after(async () => { await server.stop(); server.cleanup(); });

// Resolves a local "$ref" ("#/components/…") against the document.
function deref(node) {
  let n = node;
  for (let hops = 0; n && n.$ref; hops++) {
    assert.ok(hops < 20, `circular $ref ${node.$ref}`);
    assert.match(n.$ref, /^#\//, `only local $ref are used: ${n.$ref}`);
    n = n.$ref.slice(2).split('/').reduce((o, k) => (o ? o[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), doc);
    assert.ok(n !== undefined, `$ref ${node.$ref} resolves`);
  }
  return n;
}

function operations() {
  const ops = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) if (item[m]) ops.push({ method: m, path: p, op: item[m], item });
  }
  return ops;
}

// A concrete URL for a templated path: ids 1, the first value of an enum, else an example.
function concrete(p, item, op) {
  const params = [...(item.parameters || []), ...(op?.parameters || [])].map(deref);
  return p.replace(/\{([^}]+)\}/g, (_, name) => {
    const prm = params.find((x) => x.name === name && x.in === 'path');
    const schema = prm ? deref(prm.schema || {}) : {};
    if (schema.enum) return schema.enum[0];
    if (schema.type === 'integer') return '1';
    return String(schema.example ?? prm?.example ?? 'operational');
  });
}

// The URL path a documented path P is relative to: its own servers entry's (without a
// trailing slash), else the document's, the base.
function baseOf(p) {
  const own = doc.paths[p]?.servers;
  return own ? own[0].url.replace(/\/$/, '') : BASE;
}

// Sends METHOD to the URL path with the token (and an empty JSON object as body when
// the method takes one); returns the response.
function probe(method, url) {
  const body = ['post', 'put', 'patch'].includes(method) ? {} : undefined;
  return request(server, method.toUpperCase(), url, { token: server.token, body });
}

function assertRouted(r, what) {
  assert.notEqual(r.status, 405, `${what}: 405 (${r.text.trim()})`);
  assert.ok(!(r.status === 404 && UNKNOWN_ROUTE.test(r.json?.error?.message ?? '')),
    `${what}: the server has no such route (${r.text.trim()})`);
  assert.ok(r.status < 500, `${what}: server error ${r.status} (${r.text.trim()})`);
}

test('served without a token as JSON with an ETag, the bytes of src/api/openapi.json', () => {
  assert.equal(served.status, 200, served.text);
  assert.match(served.headers['content-type'], /^application\/json/);
  assert.match(served.headers.etag, /^"[^"]+"$/);
  const file = readFileSync(path.join(root, 'src/api/openapi.json'), 'utf8');
  assert.equal(served.text, file, 'the binary serves the current src/api/openapi.json (rebuild?)');
});

test('If-None-Match with the ETag answers 304; another tag gets the document', async () => {
  const etag = served.headers.etag;
  const same = await request(server, 'GET', `${BASE}/openapi.json`, { headers: { 'If-None-Match': etag } });
  assert.equal(same.status, 304);
  assert.equal(same.text, '');
  assert.equal(same.headers.etag, etag);
  const weak = await request(server, 'GET', `${BASE}/openapi.json/`, { headers: { 'If-None-Match': `"nope", W/${etag}` } });
  assert.equal(weak.status, 304);
  const other = await request(server, 'GET', `${BASE}/openapi.json`, { headers: { 'If-None-Match': '"nope"' } });
  assert.equal(other.status, 200);
  assert.equal(other.text, served.text);
});

test('is an OpenAPI 3.0 document with the servers, auth schemes and schemas of SPEC §9', () => {
  assert.match(doc.openapi, /^3\.0\.\d+$/);
  assert.ok(doc.info?.title && doc.info?.version, 'info.title and info.version');
  assert.deepEqual(doc.servers.map((s) => s.url), [BASE]);
  for (const [p, item] of Object.entries(doc.paths)) {
    if (ROOT_PATHS.includes(p)) assert.deepEqual(item.servers?.map((s) => s.url), ['/'], `${p}: servers [{"url":"/"}]`);
    else assert.equal(item.servers, undefined, `${p}: under the base, no servers of its own`);
    for (const m of METHODS) assert.equal(item[m]?.servers, undefined, `${m.toUpperCase()} ${p}: no servers of its own`);
  }
  const schemes = Object.values(doc.components.securitySchemes);
  assert.ok(schemes.some((s) => s.type === 'apiKey' && s.in === 'header' && s.name === 'Authorization-Token'),
    'an apiKey scheme for the Authorization-Token header');
  assert.ok(schemes.some((s) => s.type === 'http' && s.scheme?.toLowerCase() === 'bearer'), 'an http bearer scheme');
  assert.ok(doc.security.length >= 2, 'either scheme authenticates every operation by default');
  for (const name of SCHEMAS) assert.ok(doc.components.schemas[name], `schema ${name}`);
  const err = deref(doc.components.schemas.Error);
  assert.deepEqual(err.required, ['error']);
  assert.deepEqual([...deref(err.properties.error).required].sort(), ['code', 'message']);
});

test('every $ref resolves, every operation is complete, every path parameter is declared', () => {
  const walk = (node) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      if (typeof node.$ref === 'string') deref(node);
      Object.values(node).forEach(walk);
    }
  };
  walk(doc);
  const ids = new Set();
  for (const { method, path: p, op, item } of operations()) {
    const what = `${method.toUpperCase()} ${p}`;
    assert.ok(op.operationId && !ids.has(op.operationId), `${what}: a unique operationId`);
    ids.add(op.operationId);
    assert.ok(Object.keys(op.responses).some((c) => /^2\d\d$/.test(c)), `${what}: a 2xx response`);
    const params = [...(item.parameters || []), ...(op.parameters || [])].map(deref);
    for (const [, name] of p.matchAll(/\{([^}]+)\}/g)) {
      assert.ok(params.some((x) => x.name === name && x.in === 'path' && x.required === true),
        `${what}: path parameter ${name} is declared and required`);
    }
    if (PUBLIC.includes(p)) assert.deepEqual(op.security, [], `${what}: needs no token`);
    else assert.equal(op.security, undefined, `${what}: uses the default security`);
    if (p === '/openapi.json') continue;
    const codes = Object.keys(op.responses);
    for (const c of PUBLIC.includes(p) ? ['405', '429'] : ['401', '403', '405', '429']) {
      assert.ok(codes.includes(c), `${what}: documents ${c}`);
    }
    if (PUBLIC.includes(p)) assert.ok(!codes.includes('401'), `${what}: takes no token, so no 401`);
    if (p.includes('{')) assert.ok(codes.includes('404'), `${what}: documents 404`);
    if (op.requestBody) {
      assert.ok(deref(op.requestBody).content['application/json'], `${what}: a JSON body`);
      for (const c of ['400', '413', '415']) assert.ok(codes.includes(c), `${what}: documents ${c}`);
    }
    for (const c of codes.filter((x) => /^4\d\d$/.test(x))) {
      const schema = deref(deref(op.responses[c]).content['application/json'].schema);
      assert.equal(schema, doc.components.schemas.Error, `${what}: ${c} is an Error`);
    }
  }
});

test('lists take limit and cursor and answer an envelope with next_cursor', () => {
  for (const p of LISTS) {
    const op = doc.paths[p]?.get;
    assert.ok(op, `GET ${p} is documented`);
    const names = (op.parameters || []).map(deref).filter((x) => x.in === 'query').map((x) => x.name);
    assert.ok(names.includes('limit') && names.includes('cursor'), `GET ${p}: limit and cursor`);
    const schema = deref(deref(op.responses['200']).content['application/json'].schema);
    const key = p.slice(1).replace(/-/g, '_');
    assert.equal(deref(schema.properties[key]).type, 'array', `GET ${p}: {"${key}":[…]}`);
    assert.ok(schema.properties.next_cursor, `GET ${p}: next_cursor`);
  }
  const creates = operations().filter((o) => o.method === 'post' && /^\/[a-z-]+$/.test(o.path));
  for (const { path: p, op } of creates) assert.ok(op.responses['201'], `POST ${p} answers 201`);
  const deletes = operations().filter((o) => o.method === 'delete');
  for (const { path: p, op } of deletes) assert.ok(op.responses['204'], `DELETE ${p} answers 204`);
});

test('every SPEC §9 route is in the document', () => {
  for (const [m, p] of SPEC_ROUTES) {
    assert.ok(doc.paths[p]?.[m], `${m.toUpperCase()} ${p} is documented`);
  }
});

test('every documented operation is routed by the server', async () => {
  for (const { method, path: p, op, item } of operations()) {
    const url = baseOf(p) + concrete(p, item, op);
    assertRouted(await probe(method, url), `${method.toUpperCase()} ${url}`);
  }
});

test('every SPEC §9 route is routed by the server, with or without a trailing slash', async () => {
  for (const [m, p] of SPEC_ROUTES) {
    const url = baseOf(p) + concrete(p, doc.paths[p] || {}, doc.paths[p]?.[m]);
    assertRouted(await probe(m, url), `${m.toUpperCase()} ${url}`);
    assertRouted(await probe(m, url + '/'), `${m.toUpperCase()} ${url}/`);
  }
});

test('a documented path answers 405 to every method it does not document', async () => {
  for (const [p, item] of Object.entries(doc.paths)) {
    const url = baseOf(p) + concrete(p, item, null);
    for (const m of METHODS.filter((x) => !item[x])) {
      const r = await probe(m, url);
      assert.equal(r.status, 405, `${m.toUpperCase()} ${url} is routed but not documented (${r.status} ${r.text.trim()})`);
    }
  }
});

// Checks VALUE against SCHEMA (a small subset of JSON Schema: type, nullable, enum,
// properties, required, items, oneOf, anyOf) and, stricter than the document itself,
// refuses object fields the schema does not list. Returns a list of problems.
function shapeErrors(value, schema, at) {
  const s = deref(schema);
  for (const key of ['oneOf', 'anyOf']) {
    if (!s[key]) continue;
    const all = s[key].map((x) => shapeErrors(value, x, at));
    return all.some((x) => x.length === 0) ? [] : [`${at}: matches none of ${key} (${all.flat().join('; ')})`];
  }
  if (value === null) return s.nullable ? [] : [`${at}: null but not nullable`];
  const type = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  if (s.type && !(s.type === type || (s.type === 'number' && type === 'integer'))) return [`${at}: ${type}, documented ${s.type}`];
  if (s.enum && !s.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} not in ${s.enum.join('|')}`];
  if (type === 'array' && s.items) return value.flatMap((v, i) => shapeErrors(v, s.items, `${at}[${i}]`));
  if (type !== 'object' || !s.properties) return [];
  const errs = [];
  for (const k of s.required || []) if (!(k in value)) errs.push(`${at}.${k}: required but missing`);
  for (const [k, v] of Object.entries(value)) {
    if (!s.properties[k]) errs.push(`${at}.${k}: returned but not documented`);
    else errs.push(...shapeErrors(v, s.properties[k], `${at}.${k}`));
  }
  return errs;
}

// Sends a request (URL relative to the path's server; with the token unless the
// operation needs none) and checks the reply against the documented response of its status.
async function checked(method, docPath, url, body) {
  const op = doc.paths[docPath][method];
  const token = op.security?.length === 0 ? undefined : server.token;
  const r = await request(server, method.toUpperCase(), baseOf(docPath) + url, { token, body });
  const resp = op.responses[String(r.status)];
  assert.ok(resp, `${method.toUpperCase()} ${url}: status ${r.status} is documented (${r.text.trim()})`);
  const media = deref(resp).content?.['application/json'];
  if (media) assert.deepEqual(shapeErrors(r.json, media.schema, `${method.toUpperCase()} ${url}`), []);
  return r;
}

test('the objects the server returns have the documented fields and values', async () => {
  const later = (h) => new Date(Date.now() + h * 3600e3).toISOString().replace(/\.\d+Z$/, 'Z');
  const g = (await checked('post', '/groups', '/groups', { name: 'Core' })).json.group;
  const s = (await checked('post', '/services', '/services', { name: 'API', group_id: g.id })).json.service;
  await checked('post', '/services', '/services', { name: 'Web' });
  await checked('put', '/service/put/{serviceId}/{status}', `/service/put/${s.id}/degraded`);
  await checked('get', '/service/services/list', '/service/services/list');
  await checked('get', '/services', '/services?limit=1');
  await checked('patch', '/services/{id}', `/services/${s.id}`, { description: 'The API' });
  await checked('get', '/groups', '/groups');
  const t = (await checked('post', '/templates', '/templates',
    { kind: 'incident', name: 'Outage', title: 'Outage', message: 'We are on it.' })).json.template;
  await checked('get', '/templates', '/templates?kind=incident');
  const inc = (await checked('post', '/incidents', '/incidents',
    { template_id: t.id, services: [{ id: s.id, status: 'major_outage' }], notify: false })).json.incident;
  await checked('post', '/incidents/{id}/updates', `/incidents/${inc.id}/updates`,
    { stage: 'resolved', message: 'Fixed.', notify: false });
  await checked('get', '/incidents', '/incidents?state=resolved');
  // its postmortem, written and sent; and a back-dated incident
  const pm = await checked('patch', '/incidents/{id}', `/incidents/${inc.id}`, { postmortem: '## Cause\n\nA bad deploy.' });
  assert.equal(pm.json.incident.postmortem, '## Cause\n\nA bad deploy.');
  const sent = await checked('post', '/incidents/{id}/postmortem', `/incidents/${inc.id}/postmortem`, { notify: false });
  assert.equal(sent.status, 200, sent.text);
  assert.equal((await checked('post', '/incidents/{id}/postmortem', `/incidents/${inc.id}/postmortem`, { sms: true })).status, 400);
  const began = new Date(Date.now() - 3600e3).toISOString().replace(/\.\d+Z$/, 'Z');
  const back = (await checked('post', '/incidents', '/incidents', { title: 'Earlier', message: 'Since an hour.', started_at: began, notify: false })).json.incident;
  assert.equal(back.started_at, began);
  // a draft, published: 200 with the incident; a second time, or with a field, 400
  const draft = (await checked('post', '/incidents', '/incidents',
    { title: 'Draft', message: 'Not yet.', draft: true })).json.incident;
  assert.equal(draft.draft, true);
  assert.equal((await checked('post', '/incidents/{id}/publish', `/incidents/${draft.id}/publish`,
    { notify: false })).status, 400);
  const published = await checked('post', '/incidents/{id}/publish', `/incidents/${draft.id}/publish`);
  assert.equal(published.status, 200, published.text);
  assert.equal(published.json.incident.draft, false);
  assert.equal((await checked('post', '/incidents/{id}/publish', `/incidents/${draft.id}/publish`, {})).status, 400);
  assert.equal((await checked('post', '/incidents/{id}/publish', '/incidents/999999/publish')).status, 404);
  const m = (await checked('post', '/maintenance', '/maintenance', {
    title: 'Upgrade', message: 'Brief downtime.', scheduled_start: later(24), scheduled_end: later(25),
    services: [s.id], notify: false,
  })).json.maintenance;
  await checked('patch', '/maintenance/{id}', `/maintenance/${m.id}`, { auto_complete: false });
  await checked('get', '/maintenance', '/maintenance');
  const sub = (await checked('post', '/subscribers', '/subscribers',
    { channel: 'email', address: 'ops@example.com', services: [s.id], confirmed: true })).json.subscriber;
  await checked('get', '/subscribers', '/subscribers?channel=email');
  // its export, with a delivery of the incident's update and a confirmation count to show
  dbSql(server, `INSERT INTO deliveries (page_id, kind, update_id, channel, recipient, subscriber_id, state, attempts,
    last_error, next_attempt_at, accepted_at, created_at, sent_at) VALUES (1, 'update', ${inc.updates[0].id}, 'email',
    'ops@example.com', ${sub.id}, 'sent', 1, NULL, 0, 0, 0, 1)`);
  dbSql(server, "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ('confirm-addr:email:ops@example.com', 0, 1)");
  const exported = await checked('get', '/subscribers/{id}/export', `/subscribers/${sub.id}/export`);
  assert.equal(exported.status, 200, exported.text);
  assert.equal(exported.json.deliveries.length, 1);
  assert.equal(exported.json.rate_limits.length, 1);
  assert.equal((await checked('get', '/subscribers/{id}/export', '/subscribers/999999/export')).status, 404);
  for (const kind of ['slack', 'twitter', 'webhook', 'teams', 'discord', 'googlechat']) await checked('get', '/integrations/{kind}', `/integrations/${kind}`);
  await checked('get', '/integrations', '/integrations');
  await checked('get', '/deliveries', '/deliveries');
  await checked('get', '/page', '/page');
  await checked('patch', '/page', '/page', { title: 'Example Status' });
  // A monitor, disabled so that it never runs: its results list stays empty, so no real
  // MonitorResult is compared with the schema here (only the list's envelope is).
  const db = (await checked('post', '/services', '/services', { name: 'DB' })).json.service;
  const mon = (await checked('post', '/monitors', '/monitors',
    { service_id: db.id, kind: 'tcp', target: '127.0.0.1:9', interval_s: 600, enabled: false })).json.monitor;
  assert.ok(mon?.id, 'POST /monitors created a monitor');
  await checked('patch', '/monitors/{id}', `/monitors/${mon.id}`, { name: 'DB port', max_latency_ms: 2000 });
  await checked('get', '/monitors/{id}', `/monitors/${mon.id}`);
  await checked('get', '/monitors', '/monitors?limit=1');
  const results = await checked('get', '/monitors/{id}/results', `/monitors/${mon.id}/results?since=${later(-1)}`);
  assert.equal(results.status, 200, results.text);
  assert.equal((await checked('get', '/monitors/{id}/results',
    `/monitors/${mon.id}/results?since=yesterday`)).status, 400);
  // a minute of its checks, summed: the roll-ups' rows against their schema
  dbSql(server, `INSERT INTO monitor_rollups (monitor_id, minute, checks, failures, p50_ms, p95_ms)
    VALUES (${mon.id}, ${Math.floor(Date.now() / 60000) * 60 - 300}, 6, 1, 12, 40)`);
  const rollups = await checked('get', '/monitors/{id}/rollups', `/monitors/${mon.id}/rollups?limit=5`);
  assert.equal(rollups.status, 200, rollups.text);
  assert.deepEqual(rollups.json.rollups.map((x) => [x.checks, x.failures, x.p50_ms, x.p95_ms]), [[6, 1, 12, 40]]);
  assert.equal((await checked('get', '/monitors/{id}/rollups',
    `/monitors/${mon.id}/rollups?since=soon`)).status, 400);
  const drafting = await checked('post', '/monitors', '/monitors',
    { service_id: db.id, kind: 'tcp', target: '127.0.0.1:9', incident: 'draft', enabled: false });
  assert.equal(drafting.status, 201, drafting.text);
  assert.equal(drafting.json.monitor.incident, 'draft');
  assert.equal((await checked('post', '/monitors', '/monitors',
    { service_id: db.id, kind: 'tcp', target: '127.0.0.1:9', incident: 'later' })).status, 400);
  assert.equal((await checked('delete', '/monitors/{id}', `/monitors/${drafting.json.monitor.id}`)).status, 204);
  assert.equal((await checked('delete', '/monitors/{id}', `/monitors/${mon.id}`)).status, 204);
  assert.equal((await checked('get', '/monitors/{id}/results', `/monitors/${mon.id}/results`)).status, 404);
  // An alert source; its URL (shown in the creation's reply only) takes a generic alert
  // naming the service DB, and one naming no service of the page is a 422.
  const created = await checked('post', '/alert-sources', '/alert-sources', { kind: 'generic', name: 'script' });
  assert.equal(created.status, 201, created.text);
  const src = created.json.alert_source;
  const hook = new URL(src.url).pathname;
  assert.match(hook, /^\/hooks\/alerts\/[^/]+$/);
  const listed = await checked('get', '/alert-sources', '/alert-sources?limit=1');
  assert.deepEqual(listed.json.alert_sources.map((x) => x.id), [src.id]);
  assert.equal(listed.json.alert_sources[0].url, undefined, 'the URL is shown once');
  const drafts = await checked('post', '/alert-sources', '/alert-sources',
    { kind: 'generic', name: 'drafts', incident: 'draft' });
  assert.equal(drafts.status, 201, drafts.text);
  assert.equal(drafts.json.alert_source.incident, 'draft');
  assert.equal((await checked('delete', '/alert-sources/{id}', `/alert-sources/${drafts.json.alert_source.id}`)).status, 204);
  assert.equal((await checked('post', '/alert-sources', '/alert-sources',
    { kind: 'generic', name: 'script', incident: 'later' })).status, 400);
  const alert = { service: db.name, status: 'degraded' };
  const accepts = deref(doc.paths['/hooks/alerts/{secret}'].post.requestBody).content['application/json'].schema;
  assert.deepEqual(shapeErrors(alert, accepts, 'the generic alert'), [], 'the document takes the generic alert');
  const fired = await checked('post', '/hooks/alerts/{secret}', hook, alert);
  assert.equal(fired.status, 200, fired.text);
  assert.deepEqual(fired.json.applied.map((a) => [a.service_id, a.state, a.status, a.change]),
    [[db.id, 'firing', 'degraded_performance', 'raised']]);
  const unknown = await checked('post', '/hooks/alerts/{secret}', hook, { service: 'No such service', status: 'degraded' });
  assert.equal(unknown.status, 422, unknown.text);
  assert.equal(unknown.json.error.code, 'unprocessable');
  assert.equal((await checked('delete', '/alert-sources/{id}', `/alert-sources/${src.id}`)).status, 204);
  assert.equal((await checked('post', '/hooks/alerts/{secret}', hook, alert)).status, 404);
  assert.equal((await checked('delete', '/alert-sources/{id}', `/alert-sources/${src.id}`)).status, 404);
  // Errors are documented too.
  await checked('get', '/services/{id}', '/services/999999');
  await checked('post', '/services', '/services', { nope: 1 });
  await checked('delete', '/groups/{id}', `/groups/${g.id}`);
});
