// Each page has its own public URL (SPEC §6; issue 10, item 7): the page's base_url
// setting, else the scheme and port of server.base_url with the page's first host; the
// default page without a base_url of its own uses server.base_url. Every absolute link
// made for a page uses it: /api/v2 page.url and shortlinks, RSS and Atom links and ids
// (two pages never share a feed id), e-mails (confirmation, update, List-Unsubscribe),
// SMS and the webhook. base_url is the operator's to set (like hosts): an owner of the
// default page in the console; a page's admins and tokens see it read-only.
//
// Pages: the default (no hosts; server.base_url is http://127.0.0.1:PORT), "b" (host
// b.test: http://b.test:PORT) and "c" (host c.test, base_url https://status.c.test).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli, tempDir, request, api } from './lib/harness.mjs';
import { stopClean, assertError, auditMark, auditSince } from './lib/admin.mjs';
import { startWorld, stopWorld, postForm, settled, linkIn } from './lib/notify.mjs';
import { Console } from './admin_console.mjs';
import { xpath } from './lib/xml.mjs';

const C_URL = 'https://status.c.test';
const BASE_ONLY = /only the operator sets base_url.*owner of the default page/;

let w;
let s;
const tokens = {};
const url = {}; // the public URL each page must use
const host = { default: undefined, b: 'b.test', c: 'c.test' };

before(async () => {
  const dataDir = tempDir();
  const mk = (args) => {
    const r = cli(args, { dataDir });
    if (r.code !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout.trim();
  };
  mk(['page', 'add', '--slug', 'b', '--title', 'Bee', '--host', 'b.test']);
  mk(['page', 'add', '--slug', 'c', '--title', 'Sea', '--host', 'c.test']);
  tokens.b = mk(['token', 'create', '--name', 'e2e', '--page', 'b']);
  tokens.c = mk(['token', 'create', '--name', 'e2e', '--page', 'c']);
  w = await startWorld({ dataDir });
  s = w.s;
  tokens.default = s.token;
  url.default = `http://127.0.0.1:${s.port}`;
  url.b = `http://b.test:${s.port}`;
  url.c = C_URL;
});
after(async () => { await stopClean(s); await stopWorld(w); });

const as = (slug, method, route, opts = {}) => api(s, method, route, { token: tokens[slug], host: host[slug], ...opts });
const get = (slug, p) => request(s, 'GET', p, { host: host[slug] });
const FORM = { title: 'Sea', logo_url: '', brand_color: '#1f6feb', time_zone: 'UTC', footer_links: '', hosts: 'c.test' };

const lines = (t) => t.split('\n').filter(Boolean);
// Atom elements by local name (the document's default namespace is Atom's).
const A = (name) => `*[local-name()='${name}']`;

test('base_url is the operator\'s: page admins and tokens get 403; the operator sets it, normalised', async () => {
  // A token (an admin of its page) may not set it, on any page, whatever the value.
  const mark = auditMark(s);
  for (const slug of ['b', 'default'])
    for (const base_url of [C_URL, 'https://b.example', 'not a url', 7])
      assertError(await as(slug, 'PATCH', 'page', { body: { base_url } }), 403, 'forbidden', BASE_ONLY);
  assertError(await as('b', 'PATCH', 'page', { body: { title: 'Changed', base_url: 'https://b.example' } }), 403, 'forbidden', BASE_ONLY);
  assert.deepEqual(auditSince(s, mark), [], 'nothing was written');
  // Sending it back unchanged is not a change.
  const same = await as('b', 'PATCH', 'page', { body: { base_url: '', title: 'Bee' } });
  assert.equal(same.status, 200, same.text);
  assert.equal(same.json.page.base_url, '');
  assert.equal(same.json.page.url, url.b, 'GET/PATCH page shows the public URL in use');

  // The operator: an owner of the default page, also an owner of page c.
  const op = new Console(s);
  await op.setup('operator@example.com', 'password-123', 'Operator');
  const m = cli(['user', 'add', '--email', 'operator@example.com', '--role', 'owner', '--page', 'c', '--reset-password'],
    { dataDir: s.dataDir, input: 'password-123\n' });
  assert.equal(m.code, 0, m.stderr);
  assert.equal((await op.login('operator@example.com', 'password-123')).status, 303);
  const cId = (await as('c', 'GET', 'page')).json.page.id;
  assert.equal((await op.post('/admin/pages/switch', { page_id: cId })).status, 303);
  const form = await op.get('/admin/settings');
  assert.match(form.text, /<input id="base_url" name="base_url" type="url" value="" aria-describedby="base-url-note">/, 'the operator may edit it');
  for (const [bad, why] of [['ftp://status.c.test', /base_url must be a URL that starts with https:\/\//],
    ['https://user:pw@status.c.test', /base_url may not contain a user name or password/],
    ['https://status.c.test/?x=1', /base_url may not have a query/], ['https://status.c.test/#top', /base_url may not have a query/],
    ['https://', /base_url must name a host/], ['status.c.test', /base_url must be a URL/]]) {
    const r = await op.post('/admin/settings', { ...FORM, base_url: bad });
    assert.equal(r.status, 400, `${bad}: ${r.status}`);
    assert.match(r.text.replace(/&#x2F;|&#47;/g, '/'), why, bad);
  }
  assert.equal((await as('c', 'GET', 'page')).json.page.base_url, '', 'a refused value changes nothing');
  const ok = await op.post('/admin/settings', { ...FORM, base_url: `${C_URL}//` });
  assert.equal(ok.status, 303, ok.text);
  const c = (await as('c', 'GET', 'page')).json.page;
  assert.equal(c.base_url, C_URL, 'trailing slashes removed');
  assert.equal(c.url, C_URL);
  assert.match((await op.get('/admin/settings')).text, new RegExp(`class="nav-public" href="${C_URL}/"`),
    'the console links to the page\'s public URL');
  // A token of page c may send it back (any trailing slash), not change or clear it.
  const back = await as('c', 'PATCH', 'page', { body: { base_url: `${C_URL}/`, title: 'Sea' } });
  assert.equal(back.status, 200, back.text);
  for (const base_url of ['', 'https://other.c.test'])
    assertError(await as('c', 'PATCH', 'page', { body: { base_url } }), 403, 'forbidden', BASE_ONLY);

  // An owner of page b only sees it read-only and may not set it.
  const u = cli(['user', 'add', '--email', 'bee@example.com', '--role', 'owner', '--page', 'b'], { dataDir: s.dataDir, input: 'password-456\n' });
  assert.equal(u.code, 0, u.stderr);
  const owner = new Console(s);
  assert.equal((await owner.login('bee@example.com', 'password-456')).status, 303);
  const bs = await owner.get('/admin/settings');
  assert.match(bs.text, /<input id="base_url" name="base_url" type="url" value="" aria-describedby="base-url-note" readonly>/);
  assert.match(bs.text, new RegExp(`id="base-url-note"[^>]*>[^<]*${url.b.replace(/\./g, '\\.')}`), 'the note shows the URL in use');
  const refused = await owner.post('/admin/settings', { ...FORM, title: 'Bee', hosts: 'b.test', base_url: 'https://b.example' });
  assert.equal(refused.status, 403);
  assert.match(refused.text, /only the operator sets base_url/);
  const kept = await owner.post('/admin/settings', { ...FORM, title: 'Bee', hosts: 'b.test', base_url: '' });
  assert.equal(kept.status, 303, kept.text);
  assert.equal((await as('b', 'GET', 'page')).json.page.base_url, '');
});

test('/api/v2 page.url and incident shortlinks use each page\'s URL', async () => {
  for (const slug of ['default', 'b', 'c']) {
    const inc = (await as(slug, 'POST', 'incidents', { body: { title: `Down on ${slug}`, message: 'Looking.' } })).json.incident;
    const sum = await get(slug, '/api/v2/summary.json');
    assert.equal(sum.status, 200, sum.text);
    assert.equal(sum.json.page.url, url[slug], slug);
    const one = sum.json.incidents.find((i) => i.id === String(inc.id));
    assert.ok(one, `${slug}: the incident is listed`);
    assert.equal(one.shortlink, `${url[slug]}/incidents/${inc.id}`, slug);
    assert.equal((await get(slug, '/api/v2/status.json')).json.page.url, url[slug]);
  }
});

test('RSS and Atom: links, guids and ids on each page\'s URL; no two pages share a feed id', async () => {
  const feedIds = [];
  for (const slug of ['default', 'b', 'c']) {
    const u = url[slug];
    const rss = (await get(slug, '/feed')).text;
    assert.equal(xpath(rss, 'string(/rss/channel/link)'), `${u}/`, `${slug} channel link`);
    assert.equal(xpath(rss, "string(/rss/channel/*[local-name()='link']/@href)"), `${u}/feed`, `${slug} atom:link self`);
    const links = lines(xpath(rss, '/rss/channel/item/link/text()'));
    const guids = lines(xpath(rss, '/rss/channel/item/guid/text()'));
    assert.ok(links.length >= 1 && guids.length === links.length, `${slug}: items`);
    for (const l of links) assert.match(l, new RegExp(`^${u.replace(/\./g, '\\.')}/incidents/\\d+$`), slug);
    for (const g of guids) assert.match(g, new RegExp(`^${u.replace(/\./g, '\\.')}/incidents/\\d+#update-\\d+$`), slug);

    const atom = (await get(slug, '/feed.atom')).text;
    const id = xpath(atom, `string(/${A('feed')}/${A('id')})`);
    assert.equal(id, `${u}/`, `${slug} feed id`);
    feedIds.push(id);
    assert.equal(xpath(atom, `string(/${A('feed')}/${A('link')}[@rel='self']/@href)`), `${u}/feed.atom`);
    assert.equal(xpath(atom, `string(/${A('feed')}/${A('link')}[@rel='alternate']/@href)`), `${u}/`);
    const ids = lines(xpath(atom, `/${A('feed')}/${A('entry')}/${A('id')}/text()`));
    assert.deepEqual(ids, guids, `${slug}: entry ids are the RSS guids`);
    const hrefs = lines(xpath(atom, `/${A('feed')}/${A('entry')}/${A('link')}/@href`).replace(/href="([^"]*)"/g, '$1\n'));
    assert.deepEqual(hrefs, links, `${slug}: entry links`);
  }
  assert.equal(new Set(feedIds).size, 3, `feed ids differ: ${feedIds}`);
});

// The last message to ADDRESS whose subject matches RE, waiting for it.
async function mailTo(address, re, after = 0) {
  const pick = (ms) => ms.filter((x) => x.to.includes(address) && re.test(x.headers.subject)).slice(after);
  return pick(await w.smtp.waitFor((ms) => pick(ms).length > 0, 20000, `${re} to ${address}`)).at(-1);
}

test('e-mails to a subscriber of page b link to http://b.test:PORT/, List-Unsubscribe included', async () => {
  const B = url.b.replace(/\./g, '\\.');
  const addr = 'reader@example.test';
  const r = await postForm(s, '/subscribe', { email: addr }, { host: 'b.test' });
  assert.equal(r.status, 200, r.text);
  const conf = await mailTo(addr, /Confirm/);
  assert.match(conf.headers.subject, /^\[Bee\]/);
  const confirm = new RegExp(`${B}/subscribe/confirm/\\S+`).exec(conf.text);
  assert.ok(confirm, `confirmation link on ${url.b}:\n${conf.text}`);
  assert.match(conf.html, new RegExp(`href="${B}/subscribe/confirm/`));
  assert.match(conf.headers['list-unsubscribe'], new RegExp(`^<${B}/unsubscribe/m\\d+-[^>]+>$`));
  for (const l of conf.text.match(/https?:\/\/\S+/g)) assert.ok(l.startsWith(`${url.b}/`), `confirmation: ${l}`);

  const c = await request(s, 'GET', new URL(confirm[0]).pathname, { host: 'b.test' });
  assert.equal(c.status, 303, c.text);
  assert.equal((await postForm(s, c.headers.location.replace(/\?.*$/, ''), { all: '1' }, { host: 'b.test' })).status, 200);

  const svc = (await as('b', 'POST', 'services', { body: { name: 'Bee API' } })).json.service;
  const inc = (await as('b', 'POST', 'incidents', { body: { title: 'Bee is down', message: 'Looking.', services: [{ id: svc.id, status: 'major_outage' }] } })).json.incident;
  const ds = await settled(s, inc.updates[0].id);
  assert.deepEqual(ds.map((d) => [d.channel, d.recipient, d.state]), [['email', addr, 'sent']]);
  const mail = await mailTo(addr, /Bee is down/);
  assert.match(mail.text, new RegExp(`^Details: ${B}/incidents/${inc.id}$`, 'm'));
  assert.match(mail.html, new RegExp(`href="${B}/incidents/${inc.id}"`));
  assert.match(mail.text, new RegExp(`^Choose services: ${B}/subscription/m\\d+-\\S+$`, 'm'));
  assert.match(mail.text, new RegExp(`^Unsubscribe: ${B}/unsubscribe/m\\d+-\\S+$`, 'm'));
  const unsub = new RegExp(`^<(${B}/unsubscribe/m\\d+-[^>]+)>$`).exec(mail.headers['list-unsubscribe']);
  assert.ok(unsub, mail.headers['list-unsubscribe']);
  for (const l of mail.text.match(/https?:\/\/\S+/g)) assert.ok(l.startsWith(`${url.b}/`), `update: ${l}`);
  // The link works on the page's host.
  const one = await postForm(s, new URL(unsub[1]).pathname, { 'List-Unsubscribe': 'One-Click' }, { host: 'b.test' });
  assert.equal(one.status, 200);
  assert.match(one.text, /data-unsubscribed="true"/);
});

test('a confirmation for page c links to its base_url', async () => {
  const addr = 'sea-reader@example.test';
  const r = await postForm(s, '/subscribe', { email: addr }, { host: 'c.test' });
  assert.equal(r.status, 200, r.text);
  const conf = await mailTo(addr, /Confirm/);
  assert.match(linkIn(conf.text, /https?:\/\/\S+\/subscribe\/confirm\/\S+/), /^\/subscribe\/confirm\//);
  assert.match(conf.text, new RegExp(`${C_URL.replace(/\./g, '\\.')}/subscribe/confirm/`));
  assert.match(conf.headers['list-unsubscribe'], new RegExp(`^<${C_URL.replace(/\./g, '\\.')}/unsubscribe/`));
});

test('SMS text and webhook JSON of page b carry its URL', async () => {
  const put = await as('b', 'PUT', 'integrations/webhook', { body: { enabled: true, url: w.webhook.url, secret: w.webhook.secret } });
  assert.equal(put.status, 200, put.text);
  const sub = await as('b', 'POST', 'subscribers', { body: { channel: 'sms', address: '+14155550177', confirmed: true } });
  assert.equal(sub.status, 201, sub.text);
  const svc = (await as('b', 'POST', 'services', { body: { name: 'Bee SMS' } })).json.service;
  const inc = (await as('b', 'POST', 'incidents', { body: { title: 'Texts', message: 'Looking.', services: [{ id: svc.id, status: 'partial_outage' }] } })).json.incident;
  const ds = await settled(s, inc.updates[0].id);
  for (const d of ds) assert.equal(d.state, 'sent', `${d.channel}: ${d.last_error}`);
  assert.deepEqual(ds.map((d) => d.channel).sort(), ['sms', 'webhook']);
  const sms = w.twilio.messages.filter((x) => x.to === '+14155550177').at(-1);
  assert.ok(sms.body.endsWith(` ${url.b}/incidents/${inc.id}`), sms.body);
  const ev = w.webhook.events.at(-1);
  assert.equal(ev.page.url, url.b);
  assert.equal(ev.event.url, `${url.b}/incidents/${inc.id}`);
});

test('an invitation to page b links to http://b.test:PORT/admin/invite/…, and the link works there', async () => {
  const owner = new Console(s);
  assert.equal((await owner.login('bee@example.com', 'password-456')).status, 303);
  assert.equal((await owner.post('/admin/team/invite', { email: 'newbee@example.test', role: 'editor' })).status, 303);
  const mail = await mailTo('newbee@example.test', /invited/);
  assert.match(mail.headers.subject, /^\[Bee\]/);
  const link = new RegExp(`${url.b.replace(/\./g, '\\.')}/admin/invite/inv_\\S+`).exec(mail.text);
  assert.ok(link, `invitation link on ${url.b}:\n${mail.text}`);
  for (const l of mail.text.match(/https?:\/\/\S+/g)) assert.ok(l.startsWith(`${url.b}/`), `invitation: ${l}`);
  const page = await request(s, 'GET', new URL(link[0]).pathname, { host: `b.test:${s.port}` });
  assert.equal(page.status, 200, page.text.slice(0, 300));
});
