// Bad input on the REST API (SPEC §9, §11): each gets the right status and a JSON
// error that says what was wrong, and the database is unchanged afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startWithToken, api, request } from './lib/harness.mjs';

let s;
let svc;
before(async () => {
  s = await startWithToken();
  svc = (await api(s, 'POST', 'services', { body: { name: 'Core' } })).json.service;
});
after(async () => { await s.stop(); s.cleanup(); });

async function unchanged() {
  const l = await api(s, 'GET', 'services?limit=500');
  assert.equal(l.status, 200);
  assert.deepEqual(l.json.services, [svc]);
}

function assertError(r, status, code, pattern) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers['content-type'], /application\/json/);
  assert.equal(r.json.error.code, code);
  assert.match(r.json.error.message, pattern);
}

test('missing, unknown and malformed tokens answer 401', async () => {
  assertError(await request(s, 'GET', '/admin/api/v1/services'), 401, 'unauthorized', /API token is required/);
  assertError(await request(s, 'GET', '/admin/api/v1/services', { token: 'phr_nope' }), 401, 'unauthorized', /unknown or revoked/);
  assertError(await request(s, 'POST', '/admin/api/v1/services', { headers: { Authorization: 'Bearer ' }, body: { name: 'x' } }), 401, 'unauthorized', /required|unknown/);
  await unchanged();
});

test('malformed JSON, wrong content type, non-object bodies', async () => {
  assertError(await api(s, 'POST', 'services', { body: '{"name":', headers: { 'Content-Type': 'application/json' } }),
    400, 'invalid_input', /not valid JSON.*line 1/);
  assertError(await api(s, 'POST', 'services', { body: 'name=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }),
    415, 'unsupported_media_type', /Content-Type: application\/json/);
  assertError(await api(s, 'POST', 'services', { body: '{"name":"x"}' }), 415, 'unsupported_media_type', /application\/json/);
  assertError(await api(s, 'POST', 'services', { body: '["x"]', headers: { 'Content-Type': 'application/json; charset=utf-8' } }),
    400, 'invalid_input', /JSON object/);
  assertError(await api(s, 'POST', 'services', { body: '{"name":"a","name":"b"}', headers: { 'Content-Type': 'application/json' } }),
    400, 'invalid_input', /duplicate/);
  await unchanged();
});

test('invalid UTF-8, NUL characters and control characters are refused', async () => {
  const raw = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
  assertError(await api(s, 'POST', 'services', { body: raw, headers: { 'Content-Type': 'application/json' } }),
    400, 'invalid_input', /UTF-8/);
  assertError(await api(s, 'POST', 'services', { body: { name: 'a\u0000b' } }), 400, 'invalid_input', /NUL|not valid JSON/);
  assertError(await api(s, 'POST', 'services', { body: { name: 'line\nbreak' } }), 400, 'invalid_input', /control character/);
  await unchanged();
});

test('over-long fields, wrong types, unknown fields, missing fields', async () => {
  assertError(await api(s, 'POST', 'services', { body: { name: 'x'.repeat(101) } }), 400, 'invalid_input', /name is 101 characters long; at most 100/);
  // 100 two-byte characters are within the limit: limits count characters.
  const ok = await api(s, 'POST', 'services', { body: { name: 'é'.repeat(100) } });
  assert.equal(ok.status, 201);
  assert.equal((await api(s, 'DELETE', `services/${ok.json.service.id}`)).status, 204);
  assertError(await api(s, 'POST', 'services', { body: { name: 5 } }), 400, 'invalid_input', /name must be a string/);
  assertError(await api(s, 'POST', 'services', { body: { name: 'x', hidden: 'yes' } }), 400, 'invalid_input', /hidden must be true or false/);
  assertError(await api(s, 'POST', 'services', { body: { name: 'x', position: -1 } }), 400, 'invalid_input', /position must be a whole number/);
  assertError(await api(s, 'POST', 'services', { body: { nmae: 'x' } }), 400, 'invalid_input', /unknown field "nmae"; accepted fields: name/);
  assertError(await api(s, 'POST', 'services', { body: {} }), 400, 'invalid_input', /name is required/);
  assertError(await api(s, 'POST', 'services', { body: { name: '' } }), 400, 'invalid_input', /name is required/);
  assertError(await api(s, 'PATCH', `services/${svc.id}`, { body: { status: 'sideways' } }), 400, 'invalid_input', /unknown status "sideways"/);
  assertError(await api(s, 'PATCH', `services/${svc.id}`, { body: { name: '' } }), 400, 'invalid_input', /name is required/);
  await unchanged();
});

test('unknown ids answer 404, wrong methods 405', async () => {
  assertError(await api(s, 'GET', 'services/424242'), 404, 'not_found', /no service with id 424242/);
  assertError(await api(s, 'PATCH', 'services/0', { body: { name: 'x' } }), 404, 'not_found', /no service/);
  assertError(await api(s, 'PUT', `services/${svc.id}`, { body: { name: 'x' } }), 405, 'method_not_allowed', /allowed: GET, HEAD, PATCH, DELETE/);
  await unchanged();
});

test('a body over 1 MiB answers 413 with a JSON error', async () => {
  const big = JSON.stringify({ name: 'x', description: 'y'.repeat(1024 * 1024) });
  assertError(await api(s, 'POST', 'services', { body: big, headers: { 'Content-Type': 'application/json' } }),
    413, 'payload_too_large', /at most 1048576 bytes/);
  await unchanged();
});

test('request headers over 16 KiB answer 431 with a JSON error', async () => {
  const r = await api(s, 'GET', 'services', { headers: { 'X-Padding': 'p'.repeat(17 * 1024) } });
  assertError(r, 431, 'headers_too_large', /at most 16384 bytes/);
});

test('grossly oversized bodies are refused before they are read', async () => {
  // Far past every cap: the server must refuse (4xx) and keep serving.
  const status = await new Promise((resolve, reject) => {
    const sock = net.connect(s.port, '127.0.0.1', () => {
      sock.write(`POST /admin/api/v1/services HTTP/1.1\r\nHost: x\r\nAuthorization-Token: ${s.token}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{');
    });
    let data = '';
    sock.on('data', (d) => { data += d; });
    sock.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1])));
    sock.on('error', reject);
  });
  assert.equal(status, 413);
  assert.equal((await request(s, 'GET', '/healthz')).status, 200);
  await unchanged();
});

test('invalid UTF-8 in the path is quoted safely and the server keeps serving', async () => {
  for (const p of ['/admin/api/v1/%FF', '/%C3', '/admin/api/v1/services/%E2%82']) {
    const r = await request(s, 'GET', p, { token: s.token, headers: { Accept: 'application/json' } });
    assert.equal(r.status, 404, p);
    assert.equal(r.json.error.code, 'not_found');
    assert.doesNotMatch(r.text, /[\uFFFD]/, 'invalid bytes are replaced by "?" not U+FFFD');
  }
  assert.equal((await request(s, 'GET', '/healthz')).status, 200);
});
