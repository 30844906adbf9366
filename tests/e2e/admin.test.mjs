// Admin console over HTTP (SPEC §8, §11): first-run setup, sign-in and sign-out,
// CSRF on every state-changing POST, roles, session expiry, brute-force
// throttling and escaping of stored text.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli, tempDir, startServer, request, api } from './lib/harness.mjs';
import { stopClean, dbSql } from './lib/admin.mjs';
import { Console, csrfOf } from './admin_console.mjs';

// Inside a suite so that its after() stops the server cleanly before the harness's
// root-level after() kills whatever is left.
describe('admin console over HTTP', () => {
  const OWNER = { email: 'owner@example.com', password: 'correct horse 1' };
  let s;
  before(async () => {
    const dataDir = tempDir();
    const t = cli(['token', 'create', '--name', 'e2e'], { dataDir });
    assert.equal(t.code, 0, t.stderr);
    s = await startServer({ dataDir });
    s.token = t.stdout.trim();
  });
  after(async () => { await stopClean(s); });

  const usersCount = () => Number(dbSql(s, 'SELECT COUNT(*) FROM users').trim());
  const statusOf = async (id) => (await api(s, 'GET', `services/${id}`)).json.service.status;

  test('first run: /admin/ sends to setup, setup needs its csrf_token, then closes for good', async () => {
    const r = await request(s, 'GET', '/admin/');
    assert.equal(r.status, 303);
    assert.equal(r.headers.location, '/admin/setup');
    const login = await request(s, 'GET', '/admin/login');
    assert.equal(login.status, 303, 'sign-in sends to setup while no user exists');

    const c = new Console(s);
    const page = await request(s, 'GET', '/admin/setup');
    assert.equal(page.status, 200);
    assert.match(page.text, /name="email"/);
    assert.match(page.text, /name="password"/);
    assert.ok(csrfOf(page.text));

    for (const csrf of [null, 'bogus', '1.00']) {
      const x = await c.post('/admin/setup', OWNER, { csrf });
      assert.equal(x.status, 403, `csrf ${csrf}`);
    }
    assert.equal(usersCount(), 0, 'a refused setup creates nobody');

    const bad = await c.door('/admin/setup', { email: 'not-an-address', password: 'short' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /class="field-error">[^<]*e-mail address/);
    assert.equal(usersCount(), 0);

    const ok = await c.setup(OWNER.email, OWNER.password);
    assert.equal(ok.headers.location, '/admin');
    assert.match(c.setCookie, /HttpOnly/);
    assert.match(c.setCookie, /SameSite=Lax/);
    assert.doesNotMatch(c.setCookie, /Secure/, 'plain HTTP: no Secure flag');
    assert.equal(usersCount(), 1);
    const stored = dbSql(s, 'SELECT id_hash FROM sessions').trim();
    assert.equal(stored.length, 64, 'the session id is stored hashed');
    assert.ok(!c.cookie.includes(stored));

    assert.equal((await request(s, 'GET', '/admin/setup')).status, 404);
    const again = await new Console(s).post('/admin/setup', { email: 'x@example.com', password: 'password99' },
      { csrf: csrfOf(page.text) });
    assert.equal(again.status, 404);
    assert.equal(usersCount(), 1);

    const out = await request(s, 'GET', '/admin/');
    assert.equal(out.status, 303);
    assert.equal(out.headers.location, '/admin/login');
  });

  test('sign in, see the dashboard, sign out ends the session', async () => {
    const c = new Console(s);
    const wrong = await c.login(OWNER.email, 'wrong password');
    assert.equal(wrong.status, 401);
    assert.match(wrong.text, /wrong e-mail address or password/);
    const r = await c.login(OWNER.email.toUpperCase(), OWNER.password);
    assert.equal(r.status, 303);
    const dash = await c.get('/admin/');
    assert.equal(dash.status, 200);
    assert.match(dash.text, /Dashboard/);
    assert.ok(c.csrf, 'console pages carry the csrf_token');
    assert.equal(dash.headers['cache-control'], 'no-store');
    const old = c.cookie;

    const noCsrf = await c.post('/admin/logout', {}, { csrf: null });
    assert.equal(noCsrf.status, 403);
    assert.equal((await c.get('/admin')).status, 200, 'a refused logout keeps the session');

    const out = await c.post('/admin/logout');
    assert.equal(out.status, 303);
    assert.equal(c.cookie, null, 'the cookie is cleared');
    const after = await request(s, 'GET', '/admin', { headers: { Cookie: old } });
    assert.equal(after.status, 303, 'the old cookie no longer works');
    assert.equal(after.headers.location, '/admin/login');
  });

  test('a POST without or with a wrong csrf_token is refused with 403 and changes nothing', async () => {
    const c = new Console(s);
    await c.login(OWNER.email, OWNER.password);
    const svc = (await api(s, 'POST', 'services', { body: { name: 'CSRF target' } })).json.service;
    const other = new Console(s);
    await other.login(OWNER.email, OWNER.password);
    assert.notEqual(other.csrf, c.csrf, 'each session has its own token');
    for (const csrf of [null, '', 'x'.repeat(43), other.csrf]) {
      const r = await c.post(`/admin/services/${svc.id}/status`, { status: 'major_outage' }, { csrf });
      assert.equal(r.status, 403, `csrf ${csrf}`);
      assert.equal(await statusOf(svc.id), 'operational');
    }
    const before = dbSql(s, 'SELECT COUNT(*) FROM services').trim();
    assert.equal((await c.post('/admin/services', { name: 'Nope' }, { csrf: null })).status, 403);
    assert.equal((await c.post('/admin/tokens', { name: 'Nope' }, { csrf: 'bad' })).status, 403);
    assert.equal(dbSql(s, 'SELECT COUNT(*) FROM services').trim(), before);
    assert.equal(dbSql(s, "SELECT COUNT(*) FROM api_tokens WHERE name = 'Nope'").trim(), '0');
    // a cross-site form post is refused even with the right token
    const x = await c.post(`/admin/services/${svc.id}/status`, { status: 'major_outage' },
      { headers: { Origin: 'https://evil.example' } });
    assert.equal(x.status, 403);
    assert.equal(await statusOf(svc.id), 'operational');
    // without a session at all
    const anon = new Console(s);
    assert.equal((await anon.post(`/admin/services/${svc.id}/status`, { status: 'major_outage' }, { csrf: 'x' })).status, 403);

    const ok = await c.post(`/admin/services/${svc.id}/status`, { status: 'major_outage' });
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.location, '/admin?notice=status');
    assert.equal(await statusOf(svc.id), 'major_outage');
    await c.post(`/admin/services/${svc.id}/status`, { status: 'operational' });
  });

  function addUser(email, role, password = 'password-123') {
    const r = cli(['user', 'add', '--email', email, '--role', role], { dataDir: s.dataDir, input: password + '\n' });
    assert.equal(r.code, 0, r.stderr);
  }

  test('a viewer can read every screen they may see but change nothing', async () => {
    addUser('viewer@example.com', 'viewer');
    const svc = (await api(s, 'POST', 'services', { body: { name: 'Viewer target' } })).json.service;
    const v = new Console(s);
    assert.equal((await v.login('viewer@example.com', 'password-123')).status, 303);
    for (const p of ['/admin', '/admin/services', '/admin/incidents', '/admin/maintenance', '/admin/templates', '/admin/account'])
      assert.equal((await v.get(p)).status, 200, p);
    for (const p of ['/admin/team', '/admin/settings', '/admin/tokens', '/admin/integrations', '/admin/deliveries', '/admin/subscribers', '/admin/incidents/new'])
      assert.equal((await v.get(p)).status, 403, p);
    const dash = await v.get('/admin');
    assert.match(dash.text, /<select[^>]*name="status"[^>]*disabled/, 'the dropdown is read-only for a viewer');
    const counts = () => dbSql(s, 'SELECT (SELECT COUNT(*) FROM services) || \'/\' || (SELECT COUNT(*) FROM events) || \'/\' || (SELECT COUNT(*) FROM templates) || \'/\' || (SELECT COUNT(*) FROM api_tokens)');
    const before = counts();
    const posts = [
      [`/admin/services/${svc.id}/status`, { status: 'major_outage' }],
      ['/admin/services', { name: 'Viewer made' }],
      [`/admin/services/${svc.id}`, { name: 'Renamed' }],
      [`/admin/services/${svc.id}/delete`, {}],
      ['/admin/incidents', { title: 'x', message: 'y' }],
      ['/admin/maintenance', { title: 'x', message: 'y' }],
      ['/admin/templates', { kind: 'incident', name: 'x', title: 'y' }],
      ['/admin/tokens', { name: 'x' }],
      ['/admin/team/invite', { email: 'z@example.com', role: 'owner' }],
      ['/admin/settings', { title: 'Hacked' }],
    ];
    for (const [p, f] of posts) assert.equal((await v.post(p, f)).status, 403, p);
    assert.equal(counts(), before);
    assert.equal(await statusOf(svc.id), 'operational');
    assert.equal((await api(s, 'GET', `services/${svc.id}`)).json.service.name, 'Viewer target');
  });

  test('an editor changes content but cannot open Team, Settings or tokens', async () => {
    addUser('editor@example.com', 'editor');
    const e = new Console(s);
    await e.login('editor@example.com', 'password-123');
    for (const p of ['/admin/team', '/admin/settings', '/admin/tokens', '/admin/integrations'])
      assert.equal((await e.get(p)).status, 403, p);
    const dash = await e.get('/admin');
    assert.doesNotMatch(dash.text, /href="\/admin\/team"/, 'Team is not in the editor\'s menu');
    const r = await e.post('/admin/services', { name: 'Editor made', description: '', group_id: '' });
    assert.equal(r.status, 303);
    assert.equal((await e.post('/admin/team/invite', { email: 'q@example.com', role: 'admin' })).status, 403);
  });

  test('script in any field is shown as text', async () => {
    const c = new Console(s);
    await c.login(OWNER.email, OWNER.password);
    const evil = '<script>alert(1)</script>"\'><img src=x onerror=alert(2)>';
    assert.equal((await c.post('/admin/services', { name: evil.slice(0, 90), description: evil })).status, 303);
    assert.equal((await c.post('/admin/templates', { kind: 'incident', name: evil.slice(0, 90), title: evil, message: evil })).status, 303);
    const inc = await c.post('/admin/incidents', { title: evil, message: `${evil}\n\n[x](javascript:alert(3))`, stage: 'investigating', notify: '1' });
    assert.equal(inc.status, 303, inc.text);
    const pages = ['/admin', '/admin/services', '/admin/templates', '/admin/incidents', inc.headers.location.split('?')[0]];
    for (const p of pages) {
      const html = (await c.get(p)).text;
      assert.doesNotMatch(html, /<script>alert|<img src=x|javascript:alert/, p);
      assert.match(html, /&lt;script&gt;alert\(1\)&lt;&#x2F;script&gt;|&lt;script&gt;alert\(1\)&lt;\/script&gt;/, p);
    }
    // refused forms echo the input escaped too
    const bad = await c.post('/admin/services', { name: '' , description: evil });
    assert.equal(bad.status, 400);
    assert.doesNotMatch(bad.text, /<script>alert/);
  });

  test('brute force: failed sign-ins are throttled per account with 429', async () => {
    addUser('target@example.com', 'viewer');
    const c = new Console(s);
    for (let i = 0; i < 5; i++) assert.equal((await c.login('target@example.com', `guess-${i}`)).status, 401);
    const r = await c.login('target@example.com', 'guess-6');
    assert.equal(r.status, 429);
    assert.match(r.text, /too many attempts/);
    assert.equal((await c.login('target@example.com', 'password-123')).status, 429, 'even the right password waits');
    assert.equal(c.cookie, null);
    // another account from the same address is not locked by this one
    assert.equal((await new Console(s).login('editor@example.com', 'password-123')).status, 303);
  });

  test('sign out everywhere and password change end the other sessions', async () => {
    addUser('multi@example.com', 'editor', 'first-password');
    const a = new Console(s), b = new Console(s);
    await a.login('multi@example.com', 'first-password');
    await b.login('multi@example.com', 'first-password');
    const bad = await a.post('/admin/account/password', { current_password: 'nope', password: 'second-password' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /field-error">[^<]*current_password is wrong/);
    const ok = await a.post('/admin/account/password', { current_password: 'first-password', password: 'second-password' });
    assert.equal(ok.status, 303);
    assert.equal((await b.get('/admin')).status, 303, 'the other session ended');
    assert.equal((await a.get('/admin')).status, 200, 'this one stays');
    assert.equal((await new Console(s).login('multi@example.com', 'first-password')).status, 401);
    const c = new Console(s);
    assert.equal((await c.login('multi@example.com', 'second-password')).status, 303);
    assert.equal((await a.post('/admin/logout-everywhere')).status, 303);
    assert.equal((await c.get('/admin')).status, 303);
    assert.equal((await a.get('/admin')).status, 303);
  });

  test('sessions expire after the idle time and after the absolute lifetime', async () => {
    const idle = await startServer({ env: { PHAROS_SECURITY_SESSION_IDLE_SECONDS: '3', PHAROS_SECURITY_SESSION_MAX_SECONDS: '7' } });
    try {
      const c = new Console(idle);
      await c.setup('o@example.com', 'password-123');
      assert.equal((await c.get('/admin')).status, 200);
      await new Promise((r) => setTimeout(r, 4100));
      const r = await c.get('/admin');
      assert.equal(r.status, 303);
      assert.equal(r.headers.location, '/admin/login?notice=expired');

      const d = new Console(idle);
      await d.login('o@example.com', 'password-123');
      // used every second: never idle for 3 s, but the 7 s lifetime still ends it
      let ended = 0;
      for (let i = 0; i < 10 && !ended; i++) {
        await new Promise((r2) => setTimeout(r2, 1000));
        if ((await d.get('/admin')).status === 303) ended = i + 1;
      }
      assert.ok(ended >= 6 && ended <= 9, `ended after ${ended} s`);
    } finally {
      await stopClean(idle);
    }
  });
});
