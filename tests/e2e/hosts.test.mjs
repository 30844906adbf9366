// Who assigns a page's hosts, and how hosts are matched (SPEC §4; audit issue 9, finding 4).
// A page admin may not claim hostnames (another page's host, the host of server.base_url,
// a spelling of either such as "B.TEST."): only the operator assigns hosts, through the CLI
// or as an owner of the default page. Hosts are normalised (lower case, no trailing dot, no
// port, Unicode names as A-labels) when stored and when a request's Host is matched, and the
// host of server.base_url always serves the default page.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { cli, tempDir, startServer, request, api } from './lib/harness.mjs';
import { stopClean, assertError, dbSql, auditMark, auditSince } from './lib/admin.mjs';
import { Console } from './admin_console.mjs';

const OPERATOR_ONLY = /only the operator assigns hosts.*owner of the default page.*pharos page add --host/;

// A server with the default page (no hosts; server.base_url is http://127.0.0.1:PORT),
// page "b" (host b.test), page "c" (host c.test), a token for each, and page "d" (host
// given as "Bücher.Example."). SQL, when given, runs on the database before the server
// starts. (The running server learns of pages the CLI adds only from their API requests:
// its public host map reloads after changes made through the server.)
async function startThreePages(sql) {
  const dataDir = tempDir();
  const mk = (args) => {
    const r = cli(args, { dataDir });
    if (r.code !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout.trim();
  };
  const tokens = { default: mk(['token', 'create', '--name', 'e2e']) };
  const ids = { b: Number(mk(['page', 'add', '--slug', 'b', '--title', 'Bee', '--host', 'b.test'])) };
  ids.c = Number(mk(['page', 'add', '--slug', 'c', '--title', 'Sea', '--host', 'c.test']));
  tokens.b = mk(['token', 'create', '--name', 'e2e', '--page', 'b']);
  tokens.c = mk(['token', 'create', '--name', 'e2e', '--page', 'c']);
  ids.d = Number(mk(['page', 'add', '--slug', 'd', '--title', 'Dee', '--host', 'Bücher.Example.']));
  if (sql) dbSql({ dataDir }, sql.replace(/\$B/g, ids.b));
  const s = await startServer({ dataDir });
  s.token = tokens.default;
  s.tokens = tokens;
  s.ids = ids;
  return s;
}

// The title of the public page that HOST gets (from /api/v2/summary.json).
async function pageFor(s, host) {
  const r = await request(s, 'GET', '/api/v2/summary.json', { host });
  assert.equal(r.status, 200, r.text);
  return r.json.page.name;
}

// One raw request whose Host header is the bytes of HOST (UTF-8); resolves with the reply text.
function rawGet(s, path, host) {
  return new Promise((resolve, reject) => {
    const c = net.connect(s.port, '127.0.0.1');
    let out = '';
    c.on('data', (d) => { out += d; });
    c.on('end', () => resolve(out));
    c.on('error', reject);
    c.write(Buffer.concat([Buffer.from(`GET ${path} HTTP/1.1\r\nHost: `), Buffer.from(host, 'utf8'),
      Buffer.from('\r\nConnection: close\r\n\r\n')]));
  });
}

const hostsOf = async (s, slug) =>
  (await api(s, 'GET', 'page', { token: s.tokens[slug], host: slug === 'default' ? undefined : `${slug}.test` })).json.page.hosts;

describe('hosts', () => {
  let s;
  before(async () => { s = await startThreePages(); });
  after(() => stopClean(s));

  test('a page admin cannot claim hosts: the base_url host, another page\'s host, a spelling of one', async () => {
    const mark = auditMark(s);
    const asC = (body) => api(s, 'PATCH', 'page', { token: s.tokens.c, host: 'c.test', body });
    for (const hosts of [['c.test', '127.0.0.1'], ['c.test', 'B.TEST.'], ['c.test', 'b.test'], ['127.0.0.1'], ['new.c.test'], []]) {
      const r = await asC({ title: 'Hijack', hosts });
      assertError(r, 403, 'forbidden', OPERATOR_ONLY);
    }
    // The default page's API token acts as an admin, not as an owner: no hosts either.
    assertError(await api(s, 'PATCH', 'page', { body: { hosts: ['mine.test'] } }), 403, 'forbidden', OPERATOR_ONLY);
    assert.deepEqual(auditSince(s, mark), [], 'nothing was written');
    assert.deepEqual(await hostsOf(s, 'c'), ['c.test']);
    assert.deepEqual(await hostsOf(s, 'b'), ['b.test']);
    assert.deepEqual(await hostsOf(s, 'default'), []);
    assert.equal((await api(s, 'GET', 'page', { token: s.tokens.c, host: 'c.test' })).json.page.title, 'Sea');
    assert.equal(await pageFor(s, '127.0.0.1'), 'Status', 'the base_url host still serves the default page');
    assert.equal(await pageFor(s, `127.0.0.1:${s.port}`), 'Status');
    assert.equal(await pageFor(s, 'b.test.'), 'Bee', 'b.test. is b.test');
    assert.equal(await pageFor(s, 'c.test'), 'Sea');
  });

  test('the same hosts in another spelling are no change, so a page admin may send them back', async () => {
    const r = await api(s, 'PATCH', 'page', { token: s.tokens.c, host: 'c.test', body: { title: 'Sea 2', hosts: ['C.Test.'] } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.page.hosts, ['c.test']);
    assert.equal(r.json.page.title, 'Sea 2');
    await api(s, 'PATCH', 'page', { token: s.tokens.c, host: 'c.test', body: { title: 'Sea' } });
  });

  test('a request\'s Host is normalised: case, trailing dot, port, A-labels', async () => {
    assert.equal(await pageFor(s, 'B.Test.:8080'), 'Bee');
    const viaApi = await api(s, 'GET', 'page', { token: s.tokens.b, host: 'B.Test.:8080' });
    assert.equal(viaApi.status, 200, viaApi.text);
    assert.equal(viaApi.json.page.slug, 'b');
    assert.equal(await pageFor(s, 'unknown.test'), 'Status');
    // An IDN host, stored by the operator as its A-label, is matched in that form and in Unicode.
    assert.equal(dbSql(s, `SELECT host FROM page_hosts WHERE page_id = ${s.ids.d}`).trim(), 'xn--bcher-kva.example');
    assert.equal(await pageFor(s, 'XN--BCHER-KVA.example'), 'Dee');
    assert.match(await rawGet(s, '/api/v2/summary.json', 'xn--bcher-kva.example.:80'), /"name":"Dee"/);
    // RFC 9110 section 4.2.3: a Host is ASCII (clients send the A-label); raw UTF-8 is refused
    assert.match(await rawGet(s, '/api/v2/summary.json', 'bücher.example'), /^HTTP\/1\.1 400 /);
  });

  test('the CLI assigns hosts, normalised, unique across pages, never the base_url host', async () => {
    const add = (slug, ...hosts) => cli(['page', 'add', '--slug', slug, '--title', slug, ...hosts.flatMap((h) => ['--host', h])], { dataDir: s.dataDir });
    const dup = add('e', 'e.test', 'B.TEST.');
    assert.equal(dup.code, 1, dup.stderr);
    assert.match(dup.stderr, /host b\.test already belongs to page "b"/);
    const base = add('e', '127.0.0.1');
    assert.equal(base.code, 1, base.stderr);
    assert.match(base.stderr, /host 127\.0\.0\.1 is the host of server\.base_url.*default page/);
    for (const [bad, why] of [['bad_host', /host "bad_host"/], ['e.test:8080', /host "e\.test:8080".*without port or scheme/],
      ['https://e.test', /without port or scheme/], ['a..e.test', /host "a\.\.e\.test"/], ['-e.test', /host "-e\.test"/],
      ['☃.test', /host "☃\.test"/], ['xn--a.test', /host "xn--a\.test"/]]) {
      const r = add('e', bad);
      assert.equal(r.code, 2, `${bad}: ${r.stderr}`);
      assert.match(r.stderr, why);
    }
    assert.equal(dbSql(s, "SELECT COUNT(*) FROM pages WHERE slug = 'e'").trim(), '0', 'no page was created');
    const ok = add('e', 'E.Test.', 'e.test', 'www.e.test');
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(dbSql(s, `SELECT group_concat(host, ',') FROM (SELECT host FROM page_hosts WHERE page_id = ${Number(ok.stdout)} ORDER BY host) AS h`).trim(), 'e.test,www.e.test');
    const token = cli(['token', 'create', '--name', 'e2e', '--page', 'e'], { dataDir: s.dataDir }).stdout.trim();
    const viaHost = await api(s, 'GET', 'page', { token, host: 'WWW.E.TEST.' });
    assert.equal(viaHost.status, 200, viaHost.text);
    assert.equal(viaHost.json.page.slug, 'e');
  });

  test('an owner of the default page assigns hosts in the console; others see them read-only', async () => {
    const op = new Console(s);
    await op.setup('operator@example.com', 'password-123', 'Operator');
    const form = { title: 'Status', logo_url: '', brand_color: '#1f6feb', time_zone: 'UTC', footer_links: '' };
    const settings = await op.get('/admin/settings');
    assert.match(settings.text, /<textarea id="hosts" name="hosts" rows="3">/, 'an operator may edit hosts');
    const mine = await op.post('/admin/settings', { ...form, hosts: 'Status.Example.\nstatus.example\nMünchen.Example' });
    assert.equal(mine.status, 303, mine.text);
    assert.deepEqual(await hostsOf(s, 'default'), ['status.example', 'xn--mnchen-3ya.example']);
    const taken = await op.post('/admin/settings', { ...form, hosts: 'status.example\nB.Test' });
    assert.equal(taken.status, 409);
    assert.match(taken.text, /host b\.test already belongs to page &quot;b&quot;/);
    const bad = await op.post('/admin/settings', { ...form, hosts: 'status.example\nstatus.example:8080' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /host &quot;status\.example:8080&quot; must be a DNS name without port or scheme/);
    assert.deepEqual(await hostsOf(s, 'default'), ['status.example', 'xn--mnchen-3ya.example']);

    // The operator is also an owner of page b: there they may change hosts, but not take the base_url host.
    const m = cli(['user', 'add', '--email', 'operator@example.com', '--role', 'owner', '--page', 'b', '--reset-password'],
      { dataDir: s.dataDir, input: 'password-123\n' });
    assert.equal(m.code, 0, m.stderr);
    await op.login('operator@example.com', 'password-123'); // a reset password ends the sessions
    assert.equal((await op.post('/admin/pages/switch', { page_id: s.ids.b })).status, 303);
    const bForm = { ...form, title: 'Bee' };
    const base = await op.post('/admin/settings', { ...bForm, hosts: 'b.test\n127.0.0.1' });
    assert.equal(base.status, 409);
    assert.match(base.text, /host 127\.0\.0\.1 is the host of server\.base_url/);
    assert.deepEqual(await hostsOf(s, 'b'), ['b.test']);
    assert.equal((await op.post('/admin/settings', { ...bForm, hosts: 'b.test\nbee.test' })).status, 303);
    assert.deepEqual(await hostsOf(s, 'b'), ['b.test', 'bee.test']);
    assert.equal(await pageFor(s, 'bee.test'), 'Bee');

    // An owner of page c only: hosts are shown read-only, and changing them is refused.
    const u = cli(['user', 'add', '--email', 'sea@example.com', '--role', 'owner', '--page', 'c'], { dataDir: s.dataDir, input: 'password-456\n' });
    assert.equal(u.code, 0, u.stderr);
    const owner = new Console(s);
    assert.equal((await owner.login('sea@example.com', 'password-456')).status, 303);
    const cs = await owner.get('/admin/settings');
    assert.equal(cs.status, 200);
    assert.match(cs.text, /<textarea id="hosts" name="hosts" rows="3" readonly aria-describedby="hosts-note">c\.test\n<\/textarea>/);
    assert.match(cs.text, /id="hosts-note"[^>]*>[^<]*owner of the default page/);
    const cForm = { ...form, title: 'Sea' };
    const refused = await owner.post('/admin/settings', { ...cForm, hosts: 'c.test\n127.0.0.1' });
    assert.equal(refused.status, 403);
    assert.match(refused.text, /only the operator assigns hosts/);
    assert.deepEqual(await hostsOf(s, 'c'), ['c.test']);
    const same = await owner.post('/admin/settings', { ...cForm, title: 'Sea owner', hosts: 'c.test\n' });
    assert.equal(same.status, 303, same.text);
    assert.equal((await api(s, 'GET', 'page', { token: s.tokens.c, host: 'c.test' })).json.page.title, 'Sea owner');
    assert.equal(await pageFor(s, '127.0.0.1'), 'Status');
  });
});

describe('hosts claimed before the fix', () => {
  let s;
  // Page b claimed the base_url host and a trailing-dot spelling of c.test while nothing
  // stopped it: the rows are there, but the base_url host still serves the default page.
  before(async () => { s = await startThreePages("INSERT INTO page_hosts (host, page_id) VALUES ('127.0.0.1', $B)"); });
  after(() => stopClean(s));

  test('the base_url host always serves the default page', async () => {
    assert.equal(await pageFor(s, '127.0.0.1'), 'Status');
    assert.equal(await pageFor(s, `127.0.0.1:${s.port}`), 'Status');
    const def = await api(s, 'GET', 'page');
    assert.equal(def.status, 200, def.text);
    assert.equal(def.json.page.slug, 'default');
    assertError(await api(s, 'GET', 'page', { token: s.tokens.b }), 403, 'forbidden', /another page/);
    assert.equal(await pageFor(s, 'b.test'), 'Bee');
    // Page b's links skip the host it cannot have (SPEC §6): its first host that reaches it.
    const b = await request(s, 'GET', '/api/v2/summary.json', { host: 'b.test' });
    assert.equal(b.json.page.url, `http://b.test:${s.port}`);
    assert.equal((await api(s, 'GET', 'page', { token: s.tokens.b, host: 'b.test' })).json.page.url, `http://b.test:${s.port}`);
  });
});
