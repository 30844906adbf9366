// Service groups through the REST API (SPEC §9): CRUD, order, pagination, bad
// input that changes nothing, other-page isolation, services left ungrouped on delete.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api } from './lib/harness.mjs';
import {
  startTwoPages, stopClean, otherApi, auditMark, auditSince, assertError, unchangedBy, assertBadBodies, assertBadPaging, walk, RFC3339,
} from './lib/admin.mjs';

let s;
before(async () => { s = await startTwoPages(); });
after(() => stopClean(s));

const KEYS = ['id', 'name', 'description', 'position', 'hidden', 'created_at', 'updated_at'];
const allGroups = async () => (await api(s, 'GET', 'groups?limit=500')).json.groups;

test('create, read, update and delete a group', async () => {
  const c = await api(s, 'POST', 'groups', { body: { name: 'Core', description: 'Main systems' } });
  assert.equal(c.status, 201, c.text);
  const g = c.json.group;
  assert.deepEqual(Object.keys(g).sort(), [...KEYS].sort());
  assert.equal(g.name, 'Core');
  assert.equal(g.description, 'Main systems');
  assert.equal(g.hidden, false);
  assert.match(g.created_at, RFC3339);

  const r = await api(s, 'GET', `groups/${g.id}/`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.group, g);

  const p = await api(s, 'PATCH', `groups/${g.id}`, { body: { name: 'Core systems', hidden: true, position: 42 } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.group.name, 'Core systems');
  assert.equal(p.json.group.hidden, true);
  assert.equal(p.json.group.position, 42);
  assert.equal(p.json.group.description, 'Main systems', 'absent fields keep their value');

  assert.equal((await api(s, 'DELETE', `groups/${g.id}/`)).status, 204);
  assertError(await api(s, 'GET', `groups/${g.id}`), 404, 'not_found', new RegExp(`no group with id ${g.id}`));
  assertError(await api(s, 'DELETE', `groups/${g.id}`), 404, 'not_found');
  assertError(await api(s, 'PATCH', `groups/${g.id}`, { body: { name: 'x' } }), 404, 'not_found');
  assertError(await api(s, 'GET', 'groups/abc'), 404, 'not_found');
});

test('position defaults to the end; lists are ordered by position, then id', async () => {
  for (const g of await allGroups()) await api(s, 'DELETE', `groups/${g.id}`);
  const a = (await api(s, 'POST', 'groups', { body: { name: 'A' } })).json.group;
  const b = (await api(s, 'POST', 'groups', { body: { name: 'B' } })).json.group;
  assert.equal(b.position, a.position + 1);
  const c = (await api(s, 'POST', 'groups', { body: { name: 'C', position: 0 } })).json.group;
  const d = (await api(s, 'POST', 'groups', { body: { name: 'D' } })).json.group;
  assert.equal(d.position, b.position + 1);
  assert.equal(a.position, 0, 'the first group of an empty page is at 0');
  assert.deepEqual((await allGroups()).map((x) => x.name), ['A', 'C', 'B', 'D'], 'equal positions by id');
  for (const g of [a, b, c, d]) await api(s, 'DELETE', `groups/${g.id}`);
});

test('pagination walks every group once with limit and next_cursor', async () => {
  const made = [];
  for (let i = 0; i < 7; i++) made.push((await api(s, 'POST', 'groups', { body: { name: `P${i}` } })).json.group);
  const seen = await walk(s, 'groups', 'groups', 3);
  assert.deepEqual(seen.map((g) => g.id), (await allGroups()).map((g) => g.id));
  for (const g of made) assert.ok(seen.some((x) => x.id === g.id));
  const first = await api(s, 'GET', 'groups?limit=2');
  assert.equal(first.json.groups.length, 2);
  assert.notEqual(first.json.next_cursor, null);
  const everything = await api(s, 'GET', 'groups');
  assert.equal(everything.json.next_cursor, null, 'default limit 50 holds them all');
  await assertBadPaging(s, 'groups');
  for (const g of made) await api(s, 'DELETE', `groups/${g.id}`);
});

test('deleting a group leaves its services ungrouped', async () => {
  const g = (await api(s, 'POST', 'groups', { body: { name: 'Edge' } })).json.group;
  const svc = (await api(s, 'POST', 'services', { body: { name: 'CDN', group_id: g.id } })).json.service;
  assert.equal(svc.group_id, g.id);
  const mark = auditMark(s);
  assert.equal((await api(s, 'DELETE', `groups/${g.id}`)).status, 204);
  assert.deepEqual(auditSince(s, mark), [`group.delete:${g.id}`]);
  const after = await api(s, 'GET', `services/${svc.id}`);
  assert.equal(after.status, 200);
  assert.equal(after.json.service.group_id, null);
});

test('bad input is refused with a message naming the field, and changes nothing', async () => {
  const g = (await api(s, 'POST', 'groups', { body: { name: 'Stable' } })).json.group;
  await unchangedBy(s, allGroups, async () => {
    await assertBadBodies(s, 'POST', 'groups');
    await assertBadBodies(s, 'PATCH', `groups/${g.id}`);
    assertError(await api(s, 'POST', 'groups', { body: {} }), 400, 'invalid_input', /name is required/);
    assertError(await api(s, 'POST', 'groups', { body: { name: '' } }), 400, 'invalid_input', /name is required/);
    assertError(await api(s, 'POST', 'groups', { body: { name: 'x'.repeat(101) } }), 400, 'invalid_input', /name is 101 characters long; at most 100/);
    assertError(await api(s, 'POST', 'groups', { body: { name: 7 } }), 400, 'invalid_input', /name must be a string/);
    assertError(await api(s, 'POST', 'groups', { body: { name: 'a\nb' } }), 400, 'invalid_input', /control character/);
    assertError(await api(s, 'POST', 'groups', { body: { name: 'x', hidden: 'yes' } }), 400, 'invalid_input', /hidden must be true or false/);
    assertError(await api(s, 'POST', 'groups', { body: { name: 'x', position: -1 } }), 400, 'invalid_input', /position must be a whole number from 0/);
    assertError(await api(s, 'POST', 'groups', { body: { name: 'x', position: 1.5 } }), 400, 'invalid_input', /position/);
    assertError(await api(s, 'POST', 'groups', { body: { name: 'x', description: 'd'.repeat(501) } }), 400, 'invalid_input', /description is 501 characters/);
    assertError(await api(s, 'PATCH', `groups/${g.id}`, { body: { name: '' } }), 400, 'invalid_input', /name is required and may not be empty/);
    assertError(await api(s, 'PATCH', `groups/${g.id}`, { body: { name: null } }), 400, 'invalid_input', /name is required/);
    assertError(await api(s, 'PATCH', `groups/${g.id}`, { body: { name: 'ok', hidden: 1 } }), 400, 'invalid_input', /hidden/);
  });
  // 100 characters of two bytes each are within the limit: limits count characters.
  const long = await api(s, 'POST', 'groups', { body: { name: 'é'.repeat(100) } });
  assert.equal(long.status, 201, long.text);
  await api(s, 'DELETE', `groups/${long.json.group.id}`);
  await api(s, 'DELETE', `groups/${g.id}`);
});

test("another page's groups are invisible and untouchable", async () => {
  const g = (await api(s, 'POST', 'groups', { body: { name: 'Mine' } })).json.group;
  await unchangedBy(s, allGroups, async () => {
    assertError(await otherApi(s, 'GET', `groups/${g.id}`), 404, 'not_found');
    assertError(await otherApi(s, 'PATCH', `groups/${g.id}`, { body: { name: 'Theirs' } }), 404, 'not_found');
    assertError(await otherApi(s, 'DELETE', `groups/${g.id}`), 404, 'not_found');
    assert.deepEqual((await otherApi(s, 'GET', 'groups')).json.groups, []);
    // This page's token on the other page's host is refused.
    assertError(await api(s, 'GET', 'groups', { host: 'other.example.test' }), 403, 'forbidden');
  });
  const o = await otherApi(s, 'POST', 'groups', { body: { name: 'Theirs' } });
  assert.equal(o.status, 201);
  assert.ok(!(await allGroups()).some((x) => x.id === o.json.group.id));
  await api(s, 'DELETE', `groups/${g.id}`);
});

test('writes are audited; reads need a token', async () => {
  const mark = auditMark(s);
  const g = (await api(s, 'POST', 'groups', { body: { name: 'Audited' } })).json.group;
  await api(s, 'PATCH', `groups/${g.id}`, { body: { description: 'x' } });
  assert.deepEqual(auditSince(s, mark), [`group.create:${g.id}`, `group.update:${g.id}`]);
  assertError(await api(s, 'GET', 'groups', { token: '' }), 401, 'unauthorized');
  assertError(await api(s, 'POST', 'groups', { token: 'phr_nope', body: { name: 'x' } }), 401, 'unauthorized');
});
