// The page's settings through the REST API (SPEC §4, §6, §9): GET and PATCH of the page
// the request is for, partial updates, host names and base_url (a token may not change
// them; see hosts.test.mjs and page_urls.test.mjs), the public URL in use, validation
// that changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api } from './lib/harness.mjs';
import {
  startTwoPages, stopClean, otherApi, auditMark, auditSince, assertError, unchangedBy, assertBadBodies,
  OTHER_HOST, RFC3339,
} from './lib/admin.mjs';

let s;
before(async () => { s = await startTwoPages(); });
after(() => stopClean(s));

const KEYS = ['id', 'slug', 'title', 'hosts', 'base_url', 'url', 'logo_url', 'brand_color', 'time_zone', 'footer_links',
  'reminder_min', 'created_at', 'updated_at', 'visibility', 'ip_allow', 'has_password', 'read_key', 'custom_css',
  'footer_markdown', 'default_language', 'languages'];
const page = async () => (await api(s, 'GET', 'page')).json.page;

test('GET page describes the page of the request', async () => {
  const r = await api(s, 'GET', 'page/');
  assert.equal(r.status, 200, r.text);
  const p = r.json.page;
  assert.deepEqual(Object.keys(p).sort(), [...KEYS].sort());
  assert.equal(p.slug, 'default');
  assert.equal(p.title, 'Status');
  assert.deepEqual(p.hosts, []);
  assert.deepEqual(p.footer_links, []);
  assert.equal(p.base_url, '');
  assert.equal(p.reminder_min, 60, 'maintenance reminders an hour ahead by default');
  assert.equal(p.url, s.url, 'the default page uses server.base_url');
  assert.match(p.updated_at, RFC3339);
  const o = (await otherApi(s, 'GET', 'page')).json.page;
  assert.equal(o.slug, 'other');
  assert.deepEqual(o.hosts, [OTHER_HOST]);
  assert.equal(o.url, `http://${OTHER_HOST}:${s.port}`, 'another page: its host with the scheme and port of server.base_url');
});

test('PATCH changes only the fields it names (no field is required)', async () => {
  const mark = auditMark(s);
  const a = await api(s, 'PATCH', 'page', { body: { brand_color: '#FF8800' } });
  assert.equal(a.status, 200, a.text);
  assert.equal(a.json.page.brand_color, '#FF8800');
  assert.equal(a.json.page.title, 'Status', 'title kept when absent');
  const links = [{ label: 'Home', url: 'https://example.com/' }, { label: 'Support', url: 'http://help.example.com/x?y=1' }];
  const b = await api(s, 'PATCH', 'page', {
    body: { title: 'Acme Status', logo_url: 'https://cdn.example.com/logo.png', time_zone: 'Europe/Paris', footer_links: links },
  });
  assert.equal(b.status, 200, b.text);
  assert.equal(b.json.page.title, 'Acme Status');
  assert.equal(b.json.page.brand_color, '#FF8800');
  assert.equal(b.json.page.logo_url, 'https://cdn.example.com/logo.png');
  assert.equal(b.json.page.time_zone, 'Europe/Paris');
  assert.deepEqual(b.json.page.footer_links, links);
  const c = await api(s, 'PATCH', 'page', { body: { logo_url: '', footer_links: [], reminder_min: 0 } });
  assert.equal(c.json.page.logo_url, '', 'an empty logo_url removes the logo');
  assert.equal(c.json.page.reminder_min, 0, 'reminders off');
  assert.deepEqual(c.json.page.footer_links, []);
  assert.equal(c.json.page.time_zone, 'Europe/Paris');
  const same = await api(s, 'PATCH', 'page', { body: {} });
  assert.equal(same.status, 200);
  assert.equal(same.json.page.title, 'Acme Status');
  assert.deepEqual(await page(), same.json.page);
  const d = await api(s, 'PATCH', 'page', { body: { reminder_min: 10080 } });
  assert.equal(d.json.page.reminder_min, 10080, 'up to a week ahead');
  assert.equal(d.json.page.logo_url, '');
  assert.deepEqual(auditSince(s, mark), Array(5).fill('page.update:1'));
  assert.equal((await otherApi(s, 'GET', 'page')).json.page.reminder_min, 60, 'a setting of each page');
  assert.equal((await otherApi(s, 'GET', 'page')).json.page.title, 'Other', 'the other page is untouched');
});

test('hosts are the operator\'s: a token may send them back unchanged, not change them', async () => {
  // Who may change hosts, and how they are normalised, is hosts.test.mjs.
  const same = await api(s, 'PATCH', 'page', { body: { hosts: [] } });
  assert.equal(same.status, 200, same.text);
  assert.deepEqual(same.json.page.hosts, []);
  const mine = await otherApi(s, 'PATCH', 'page', { body: { hosts: [OTHER_HOST.toUpperCase() + '.'] } });
  assert.equal(mine.status, 200, mine.text);
  assert.deepEqual(mine.json.page.hosts, [OTHER_HOST]);
  for (const hosts of [['status.example.com'], [OTHER_HOST]])
    assertError(await api(s, 'PATCH', 'page', { body: { hosts } }), 403, 'forbidden', /only the operator assigns hosts/);
  // base_url likewise: sending back the one the page has is no change.
  const base = await otherApi(s, 'PATCH', 'page', { body: { base_url: '' } });
  assert.equal(base.status, 200, base.text);
  assert.equal(base.json.page.base_url, '');
  const viaHost = await otherApi(s, 'GET', 'page', { host: `${OTHER_HOST}:8080` });
  assert.equal(viaHost.status, 200);
  assert.equal(viaHost.json.page.slug, 'other');
});

test('bad input is refused with a message naming the field, and changes nothing', async () => {
  await unchangedBy(s, async () => [await page(), (await otherApi(s, 'GET', 'page')).json.page], async () => {
    await assertBadBodies(s, 'PATCH', 'page');
    const bad = async (body, pattern, status = 400, code = 'invalid_input') =>
      assertError(await api(s, 'PATCH', 'page', { body }), status, code, pattern);
    await bad({ title: '' }, /title is required and may not be empty/);
    await bad({ title: null }, /title is required/);
    await bad({ title: 't'.repeat(201) }, /title is 201 characters long; at most 200/);
    await bad({ title: 'a\nb' }, /title contains a control character/);
    await bad({ title: 3 }, /title must be a string/);
    await bad({ slug: 'new' }, /unknown field "slug"; accepted fields: title, logo_url, brand_color, time_zone, footer_links, hosts, base_url, reminder_min, visibility, password, ip_allow, custom_css, footer_markdown, default_language, languages$/);
    await bad({ brand_color: 'red' }, /brand_color must be a colour like #1f6feb/);
    await bad({ brand_color: '#12345g' }, /brand_color/);
    await bad({ brand_color: '#1234567' }, /brand_color is 8 characters long|brand_color must be/);
    await bad({ logo_url: 'javascript:alert(1)' }, /logo_url must be a URL that starts with https:\/\/ \(or http:\/\/\)/);
    await bad({ logo_url: 'https://' }, /logo_url must name a host/);
    await bad({ logo_url: 'https://exa mple.com/x.png' }, /logo_url may not contain spaces/);
    await bad({ time_zone: '' }, /time_zone "" is not a time zone of the tz database/);
    await bad({ time_zone: '../etc/passwd' }, /time_zone "\.\.\/etc\/passwd" is not a time zone/);
    // typos and invented zones were accepted (and shown in status.json) before
    await bad({ time_zone: 'Europe/Pariss' }, /time_zone "Europe\/Pariss" is not a time zone of the tz database; use a name such as Europe\/Paris/);
    await bad({ time_zone: 'Mars/Olympus' }, /time_zone "Mars\/Olympus" is not a time zone/);
    for (const reminder_min of [-1, 10081, 1.5, '60', null, true])
      await bad({ reminder_min }, /^reminder_min must be a whole number of minutes from 0 \(no maintenance reminders\) to 10080 \(a week\)$/);
    await bad({ footer_links: {} }, /footer_links must be an array of at most 20/);
    await bad({ footer_links: Array(21).fill({ label: 'x', url: 'https://e.com/' }) }, /at most 20/);
    await bad({ footer_links: ['https://e.com/'] }, /footer_links entries must be objects/);
    await bad({ footer_links: [{ label: 'x' }] }, /url is required/);
    await bad({ footer_links: [{ label: 'x', url: 'ftp://e.com/' }] }, /footer_links url must be a URL that starts with https:\/\//);
    await bad({ footer_links: [{ label: 'x', url: 'https://e.com/', icon: 'y' }] }, /unknown field "icon"/);
    // A token is no operator: any change of hosts, well-formed or not, is refused as such.
    for (const hosts of ['status.example.com', [1], ['status.example.com:8080'], [OTHER_HOST]])
      await bad({ hosts }, /only the operator assigns hosts/, 403, 'forbidden');
    await bad({ title: 'Changed', hosts: [OTHER_HOST] }, /only the operator assigns hosts/, 403, 'forbidden');
    // base_url too: only the operator sets it (page_urls.test.mjs); a token gets 403 for any change.
    for (const base_url of ['https://status.example.com', 'ftp://x', 5])
      await bad({ base_url }, /only the operator sets base_url/, 403, 'forbidden');
    // languages (SPEC §16): only the six, the default among the offered ones
    await bad({ default_language: 'xx' }, /^default_language must be one of en, de, fr, es, pt-BR, ja$/);
    await bad({ languages: [] }, /^languages must be a non-empty array of language tags/);
    await bad({ languages: ['de', 'pt'] }, /^languages\[1\] is not one of en, de, fr, es, pt-BR, ja$/);
    await bad({ languages: ['de', 'DE'] }, /^languages lists de twice$/);
    await bad({ languages: ['de'] }, /^languages must include the default_language \(en\)$/);
  });
  assert.deepEqual((await page()).hosts, []);
});

test('a token acts for its own page only', async () => {
  assertError(await api(s, 'PATCH', 'page', { host: OTHER_HOST, body: { title: 'Hijack' } }), 403, 'forbidden');
  assertError(await api(s, 'GET', 'page', { token: '' }), 401, 'unauthorized');
  assertError(await api(s, 'DELETE', 'page'), 405, 'method_not_allowed');
  assert.equal((await otherApi(s, 'GET', 'page')).json.page.title, 'Other');
});
