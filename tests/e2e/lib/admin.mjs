// Helpers for the admin REST resource suites (groups, templates, subscribers,
// integrations, deliveries, page): a server with two pages and a token for each,
// SQL on the server's database (dbSql, from harness.mjs), and the checks every resource shares
// (error shape, bad bodies, other-page isolation, "a rejected request changes nothing").
import assert from 'node:assert/strict';
import { cli, tempDir, startServer, api, dbSql } from './harness.mjs';

export { dbSql };

export const OTHER_HOST = 'other.example.test';

// Starts a server whose default page has token s.token and whose second page
// (slug "other", host OTHER_HOST) has token s.otherToken.
export async function startTwoPages(opts = {}) {
  const dataDir = tempDir();
  const mk = (args) => {
    const r = cli(args, { dataDir });
    if (r.code !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout.trim();
  };
  const token = mk(['token', 'create', '--name', 'e2e']);
  mk(['page', 'add', '--slug', 'other', '--title', 'Other', '--host', OTHER_HOST]);
  const otherToken = mk(['token', 'create', '--name', 'e2e', '--page', 'other']);
  const s = await startServer({ ...opts, dataDir });
  s.token = token;
  s.otherToken = otherToken;
  return s;
}

// Stops S gracefully and checks it exited 0 with no sanitizer report (leaks
// included: make e2e runs the ASan build), then removes its data.
export async function stopClean(s) {
  const { code } = await s.stop();
  const bad = /AddressSanitizer|LeakSanitizer|runtime error:/.exec(s.log);
  assert.equal(bad, null, `sanitizer report:\n${s.log.slice(-4000)}`);
  assert.equal(code, 0, `pharos exited ${code}:\n${s.log.slice(-4000)}`);
  s.cleanup();
}

// The same API call made as the other page (its token, its host).
export function otherApi(s, method, route, opts = {}) {
  return api(s, method, route, { ...opts, token: s.otherToken, host: OTHER_HOST });
}


export function assertError(r, status, code, pattern) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers['content-type'], /application\/json/);
  assert.equal(r.json.error.code, code, r.text);
  if (pattern) assert.match(r.json.error.message, pattern);
}

// The id of the last audit record: what auditSince() counts from.
export function auditMark(s) {
  return Number(dbSql(s, 'SELECT COALESCE(MAX(id), 0) FROM audit_log').trim());
}

// The audit records written after MARK, as "action:object_id".
export function auditSince(s, mark) {
  const out = dbSql(s, `SELECT action || ':' || COALESCE(CAST(object_id AS TEXT), '') FROM audit_log WHERE id > ${mark} ORDER BY id`).trim();
  return out ? out.split('\n') : [];
}

// Takes SNAPSHOT(), runs FN, and checks that the snapshot is the same afterwards and
// that no audit record was written (a rejected request changes nothing).
export async function unchangedBy(s, snapshot, fn) {
  const before = await snapshot();
  const mark = auditMark(s);
  await fn();
  assert.deepEqual(await snapshot(), before, 'a rejected request changed something');
  assert.deepEqual(auditSince(s, mark), [], 'a rejected request wrote an audit record');
}

const JSON_CT = { 'Content-Type': 'application/json' };

// Every body-taking route refuses these the same way (SPEC §9, §11).
export async function assertBadBodies(s, method, route) {
  assertError(await api(s, method, route, { body: '{"a":', headers: JSON_CT }), 400, 'invalid_input', /not valid JSON/);
  assertError(await api(s, method, route, { body: '{}' }), 415, 'unsupported_media_type', /application\/json/);
  assertError(await api(s, method, route, { body: 'x=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }),
    415, 'unsupported_media_type');
  assertError(await api(s, method, route, { body: '[1]', headers: JSON_CT }), 400, 'invalid_input', /JSON object/);
  const raw = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
  assertError(await api(s, method, route, { body: raw, headers: JSON_CT }), 400, 'invalid_input', /UTF-8/);
  assertError(await api(s, method, route, { body: { bogus: 1 } }), 400, 'invalid_input', /unknown field "bogus"; accepted fields: /);
}

// ?limit= and ?cursor= refusals shared by every list.
export async function assertBadPaging(s, route) {
  for (const q of ['limit=0', 'limit=501', 'limit=x', 'limit=-1'])
    assertError(await api(s, 'GET', `${route}?${q}`), 400, 'invalid_input', /limit must be a whole number from 1 to 500/);
  assertError(await api(s, 'GET', `${route}?cursor=abc`), 400, 'invalid_input', /cursor/);
}

// Walks a list with ?limit=LIMIT and next_cursor; returns every item seen.
export async function walk(s, route, key, limit, extra = '') {
  const items = [];
  let cursor = null;
  for (let guard = 0; guard < 1000; guard++) {
    const q = `limit=${limit}${cursor ? `&cursor=${cursor}` : ''}${extra}`;
    const r = await api(s, 'GET', `${route}?${q}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json[key].length <= limit);
    items.push(...r.json[key]);
    cursor = r.json.next_cursor;
    if (cursor === null) return items;
    assert.equal(typeof cursor, 'string');
    assert.equal(r.json[key].length, limit);
  }
  throw new Error('pagination did not end');
}

export const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
