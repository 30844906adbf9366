// Incident and maintenance templates through the REST API (SPEC §9): CRUD, the
// ?kind= filter, pagination, limits, bad input that changes nothing, page isolation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api } from './lib/harness.mjs';
import {
  startTwoPages, stopClean, otherApi, auditMark, auditSince, assertError, unchangedBy, assertBadBodies,
  assertBadPaging, walk, RFC3339,
} from './lib/admin.mjs';

let s;
before(async () => { s = await startTwoPages(); });
after(() => stopClean(s));

const KEYS = ['id', 'kind', 'name', 'title', 'message', 'created_at', 'updated_at'];
const allTemplates = async () => (await api(s, 'GET', 'templates?limit=500')).json.templates;

test('create, read, update and delete a template', async () => {
  const mark = auditMark(s);
  const c = await api(s, 'POST', 'templates', {
    body: { kind: 'incident', name: 'DB down', title: 'Database unavailable', message: 'We are **investigating**.\nMore soon.' },
  });
  assert.equal(c.status, 201, c.text);
  const t = c.json.template;
  assert.deepEqual(Object.keys(t).sort(), [...KEYS].sort());
  assert.equal(t.kind, 'incident');
  assert.equal(t.message, 'We are **investigating**.\nMore soon.');
  assert.match(t.updated_at, RFC3339);

  assert.deepEqual((await api(s, 'GET', `templates/${t.id}/`)).json.template, t);

  const p = await api(s, 'PATCH', `templates/${t.id}`, { body: { title: 'Database degraded', kind: 'maintenance' } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.template.title, 'Database degraded');
  assert.equal(p.json.template.kind, 'maintenance');
  assert.equal(p.json.template.name, 'DB down', 'absent fields keep their value');
  assert.equal(p.json.template.message, t.message);

  assert.equal((await api(s, 'DELETE', `templates/${t.id}`)).status, 204);
  assertError(await api(s, 'GET', `templates/${t.id}`), 404, 'not_found', new RegExp(`no template with id ${t.id}`));
  assertError(await api(s, 'DELETE', `templates/${t.id}`), 404, 'not_found');
  assertError(await api(s, 'PATCH', `templates/${t.id}`, { body: { name: 'x' } }), 404, 'not_found');
  assertError(await api(s, 'GET', 'templates/0'), 404, 'not_found');
  assert.deepEqual(auditSince(s, mark), [`template.create:${t.id}`, `template.update:${t.id}`, `template.delete:${t.id}`]);
});

test('the message is optional; limits count characters', async () => {
  const c = await api(s, 'POST', 'templates', { body: { kind: 'maintenance', name: 'n'.repeat(100), title: 'ü'.repeat(200) } });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.template.message, '');
  const m = await api(s, 'PATCH', `templates/${c.json.template.id}`, { body: { message: 'm'.repeat(20000) } });
  assert.equal(m.status, 200);
  assert.equal(m.json.template.message.length, 20000);
  await api(s, 'DELETE', `templates/${c.json.template.id}`);
});

test('?kind= filters the list, pagination walks it in id order', async () => {
  const made = [];
  for (let i = 0; i < 5; i++)
    made.push((await api(s, 'POST', 'templates', { body: { kind: i % 2 ? 'maintenance' : 'incident', name: `T${i}`, title: `Title ${i}` } })).json.template);
  const all = await walk(s, 'templates', 'templates', 2);
  assert.deepEqual(all.map((t) => t.id), made.map((t) => t.id));
  const inc = await walk(s, 'templates', 'templates', 1, '&kind=incident');
  assert.deepEqual(inc.map((t) => t.name), ['T0', 'T2', 'T4']);
  const mnt = (await api(s, 'GET', 'templates?kind=maintenance')).json;
  assert.deepEqual(mnt.templates.map((t) => t.name), ['T1', 'T3']);
  assert.equal(mnt.next_cursor, null);
  assert.equal((await api(s, 'GET', 'templates?kind=')).json.templates.length, 5, 'an empty filter is no filter');
  assertError(await api(s, 'GET', 'templates?kind=outage'), 400, 'invalid_input', /unknown kind "outage"; accepted: incident, maintenance/);
  assertError(await api(s, 'GET', 'templates?kind=%FF'), 400, 'invalid_input', /kind is not valid UTF-8 text; accepted: incident, maintenance/);
  await assertBadPaging(s, 'templates');
  for (const t of made) await api(s, 'DELETE', `templates/${t.id}`);
});

test('bad input is refused with a message naming the field, and changes nothing', async () => {
  const t = (await api(s, 'POST', 'templates', { body: { kind: 'incident', name: 'Keep', title: 'Keep' } })).json.template;
  const ok = { kind: 'incident', name: 'n', title: 't' };
  await unchangedBy(s, allTemplates, async () => {
    await assertBadBodies(s, 'POST', 'templates');
    await assertBadBodies(s, 'PATCH', `templates/${t.id}`);
    assertError(await api(s, 'POST', 'templates', { body: { name: 'n', title: 't' } }), 400, 'invalid_input', /kind is required/);
    assertError(await api(s, 'POST', 'templates', { body: { ...ok, kind: 'outage' } }), 400, 'invalid_input', /unknown kind "outage"; accepted: incident, maintenance/);
    assertError(await api(s, 'POST', 'templates', { body: { ...ok, kind: 1 } }), 400, 'invalid_input', /kind must be a string, one of: incident, maintenance/);
    assertError(await api(s, 'POST', 'templates', { body: { kind: 'incident', title: 't' } }), 400, 'invalid_input', /name is required/);
    assertError(await api(s, 'POST', 'templates', { body: { kind: 'incident', name: 'n' } }), 400, 'invalid_input', /title is required/);
    assertError(await api(s, 'POST', 'templates', { body: { ...ok, name: 'x'.repeat(101) } }), 400, 'invalid_input', /name is 101 characters long; at most 100/);
    assertError(await api(s, 'POST', 'templates', { body: { ...ok, title: 'x'.repeat(201) } }), 400, 'invalid_input', /title is 201 characters long; at most 200/);
    assertError(await api(s, 'POST', 'templates', { body: { ...ok, message: 'x'.repeat(20001) } }), 400, 'invalid_input', /message is 20001 characters long; at most 20000/);
    assertError(await api(s, 'POST', 'templates', { body: { ...ok, title: 'a\nb' } }), 400, 'invalid_input', /title contains a control character/);
    assertError(await api(s, 'POST', 'templates', { body: { ...ok, message: ['x'] } }), 400, 'invalid_input', /message must be a string/);
    assertError(await api(s, 'PATCH', `templates/${t.id}`, { body: { kind: 'other' } }), 400, 'invalid_input', /unknown kind/);
    assertError(await api(s, 'PATCH', `templates/${t.id}`, { body: { title: '' } }), 400, 'invalid_input', /title is required/);
    assertError(await api(s, 'PATCH', `templates/${t.id}`, { body: { kind: null } }), 400, 'invalid_input', /kind is required/);
  });
  await api(s, 'DELETE', `templates/${t.id}`);
});

test("another page's templates are invisible and untouchable", async () => {
  const t = (await api(s, 'POST', 'templates', { body: { kind: 'incident', name: 'Mine', title: 'Mine' } })).json.template;
  await unchangedBy(s, allTemplates, async () => {
    assertError(await otherApi(s, 'GET', `templates/${t.id}`), 404, 'not_found');
    assertError(await otherApi(s, 'PATCH', `templates/${t.id}`, { body: { name: 'Theirs' } }), 404, 'not_found');
    assertError(await otherApi(s, 'DELETE', `templates/${t.id}`), 404, 'not_found');
    assert.deepEqual((await otherApi(s, 'GET', 'templates')).json.templates, []);
  });
  await api(s, 'DELETE', `templates/${t.id}`);
});
