// Who may see a page (SPEC §16): the visibility modes public, password, members and ip
// against every public route — HTML, history, an incident, the feeds, each /api/v2 file,
// the badge, the calendar (whole and per service), the brand stylesheet, the subscribe
// form, an unknown path — with and without access; ?key= read keys for feeds and JSON
// (rotated: the old one stops working); Cache-Control private and X-Robots-Tag noindex on
// every answer of a page that is not public; the password door (wrong password, the
// sign-in limits, a new password ending old cookies); console members; address blocks
// through a trusted proxy. Two pages on one server: one page's cookie or key never opens
// the other, and no refused answer carries anything of the page's status.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli, request } from './lib/harness.mjs';
import { startTwoPages, stopClean, otherApi, assertError, OTHER_HOST, auditMark, auditSince } from './lib/admin.mjs';
import { api } from './lib/harness.mjs';
import { Console, csrfOf, encode } from './admin_console.mjs';

const SECRET = 'Quokka database outage';
const SERVICE = 'Wombat API';
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

// Every public GET route of a page; keyed: ?key= opens it.
function routes(incident, service) {
  return [
    { path: '/', html: true },
    { path: '/history', html: true },
    { path: `/incidents/${incident}`, html: true },
    { path: '/subscribe', html: true },
    { path: '/brand.css' },
    { path: '/no-such-page', html: true, missing: true },
    { path: '/feed', keyed: true },
    { path: '/feed.atom', keyed: true },
    { path: '/badge.svg', keyed: true },
    { path: '/calendar.ics', keyed: true },
    { path: `/calendar.ics?service=${service}`, keyed: true },
    ...['summary', 'status', 'components', 'incidents', 'incidents/unresolved',
      'scheduled-maintenances', 'scheduled-maintenances/upcoming',
      'scheduled-maintenances/active'].map((f) => ({ path: `/api/v2/${f}.json`, keyed: true })),
  ];
}

const get = (s, path, { cookie, host, headers = {} } = {}) =>
  request(s, 'GET', path, { host, headers: { ...headers, ...(cookie ? { Cookie: cookie } : {}) } });

const withKey = (path, key) => `${path}${path.includes('?') ? '&' : '?'}key=${encodeURIComponent(key)}`;

function assertPrivate(r, what) {
  assert.equal(r.headers['x-robots-tag'], 'noindex, nofollow', `${what}: noindex`);
  assert.match(r.headers['cache-control'] || '', /^(private|no-store)/, `${what}: Cache-Control private`);
}

function assertRefused(r, what, status = 401) {
  assert.equal(r.status, status, `${what}: ${r.status} ${r.text.slice(0, 200)}`);
  assertPrivate(r, what);
  assert.ok(!r.text.includes(SECRET) && !r.text.includes(SERVICE), `${what}: nothing of the page leaks`);
  assert.doesNotMatch(r.text, /operational|outage|degraded/i, `${what}: not even the overall status`);
}

async function enterPassword(s, password, { host, next = '/' } = {}) {
  const door = await get(s, '/', { host });
  const csrf = csrfOf(door.text);
  assert.ok(csrf, 'the door has a csrf_token');
  return request(s, 'POST', '/access', { host, headers: FORM, body: encode({ csrf_token: csrf, password, next }) });
}

const cookieOf = (r) => {
  const c = (r.headers['set-cookie'] || []).find((x) => x.startsWith('pharos_access='));
  return c ? c.split(';')[0] : null;
};

describe('page visibility', () => {
  let s, incident, service, all;
  before(async () => {
    s = await startTwoPages({ env: { PHAROS_SERVER_TRUSTED_PROXIES: '127.0.0.1' } });
    service = (await api(s, 'POST', 'services', { body: { name: SERVICE } })).json.service.id;
    const inc = await api(s, 'POST', 'incidents', {
      body: { title: SECRET, message: 'Investigating.', services: [{ id: service, status: 'major' }] },
    });
    assert.equal(inc.status, 201, inc.text);
    incident = inc.json.incident.id;
    all = routes(incident, service);
  });
  after(() => stopClean(s));

  test('a public page answers every route to anyone, cacheable by a CDN', async () => {
    for (const r of all) {
      const res = await get(s, r.path);
      assert.equal(res.status, r.missing ? 404 : 200, `${r.path}: ${res.status}`);
      if (!r.missing) assert.match(res.headers['cache-control'], /^(public|no-store)/, r.path);
      assert.equal(res.headers['x-robots-tag'], undefined, r.path);
    }
    const page = (await api(s, 'GET', 'page')).json.page;
    assert.equal(page.visibility, 'public');
    assert.equal(page.has_password, false);
    assert.deepEqual(page.ip_allow, []);
    assert.equal(page.read_key, null);
  });

  test('bad settings are refused with what is wrong, and change nothing', async () => {
    const mark = auditMark(s);
    const cases = [
      [{ visibility: 'private' }, /unknown visibility "private"; accepted: public, password, members, sso, ip/],
      [{ visibility: 'password' }, /needs a password/],
      [{ visibility: 'password', password: 'short' }, /at least 8 characters/],
      [{ visibility: 'password', password: 42 }, /password/],
      [{ visibility: 'ip' }, /needs the address blocks/],
      [{ visibility: 'ip', ip_allow: ['10.1.0.0/8'] }, /did you mean 10\.0\.0\.0\/8/],
      [{ visibility: 'ip', ip_allow: ['example.com'] }, /"example\.com": it is not an IPv4 or IPv6 address/],
      [{ visibility: 'ip', ip_allow: '10.0.0.0/8' }, /ip_allow must be an array/],
      [{ visibility: 'sso' }, /needs OpenID Connect/],
    ];
    for (const [body, pattern] of cases) assertError(await api(s, 'PATCH', 'page', { body }), 400, 'invalid_input', pattern);
    assert.deepEqual(auditSince(s, mark), []);
    assert.equal((await get(s, '/')).status, 200);
  });

  test('password: every route is closed; the password, a cookie, or ?key= for feeds and JSON opens it', async () => {
    const set = await api(s, 'PATCH', 'page', { body: { visibility: 'password', password: 'kangaroo-court' } });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.json.page.visibility, 'password');
    assert.equal(set.json.page.has_password, true);
    assert.equal(set.json.page.password, undefined);
    const key = set.json.page.read_key;
    assert.match(key, /^rk_[A-Za-z0-9_-]{43}$/);

    for (const r of all) {
      const res = await get(s, r.path);
      assertRefused(res, r.path, r.missing ? 404 : 401);
      if (r.html) assert.match(res.text, /name="password"/, `${r.path}: the door has the form`);
      if (r.keyed) {
        const k = await get(s, withKey(r.path, key));
        assert.equal(k.status, 200, `${r.path} with the key`);
        assertPrivate(k, `${r.path} with the key`);
        assertRefused(await get(s, withKey(r.path, 'rk_wrong')), `${r.path} with a wrong key`);
      } else if (!r.missing) {
        assertRefused(await get(s, withKey(r.path, key)), `${r.path}: the key is for feeds and JSON only`);
      }
    }
    const sub = await request(s, 'POST', '/subscribe', { headers: FORM, body: 'email=someone%40example.com' });
    assertRefused(sub, 'POST /subscribe');

    const wrong = await enterPassword(s, 'not-the-password');
    assertRefused(wrong, 'a wrong password');
    assert.match(wrong.text, /Wrong password\./);
    assert.equal(cookieOf(wrong), null);

    const right = await enterPassword(s, 'kangaroo-court', { next: `/incidents/${incident}` });
    assert.equal(right.status, 303, right.text);
    assert.equal(right.headers.location, `/incidents/${incident}`);
    assert.match(right.headers['set-cookie'].join(), /HttpOnly; SameSite=Lax; Max-Age=604800/);
    const cookie = cookieOf(right);
    for (const r of all) {
      const res = await get(s, r.path, { cookie });
      assert.equal(res.status, r.missing ? 404 : 200, `${r.path} with the cookie: ${res.status}`);
      if (!r.missing) assertPrivate(res, `${r.path} with the cookie`);
    }
    assert.ok((await get(s, `/incidents/${incident}`, { cookie })).text.includes(SECRET));
    // a next that leaves the site goes home instead
    const away = await enterPassword(s, 'kangaroo-court', { next: '//evil.example/' });
    assert.equal(away.headers.location, '/');

    // the other page is public, and the cookie is worth nothing there once it is not
    assert.equal((await get(s, '/', { host: OTHER_HOST })).status, 200);
    assert.equal((await otherApi(s, 'PATCH', 'page', { body: { visibility: 'password', password: 'other-password' } })).status, 200);
    assertRefused(await get(s, '/', { host: OTHER_HOST, cookie }), 'the other page with this page\'s cookie');
    assertRefused(await get(s, withKey('/api/v2/summary.json', key), { host: OTHER_HOST }), 'the other page with this page\'s key');
    const other = cookieOf(await enterPassword(s, 'other-password', { host: OTHER_HOST }));
    assertRefused(await get(s, '/', { cookie: other }), 'this page with the other page\'s cookie');
    assert.equal((await get(s, '/', { host: OTHER_HOST, cookie: other })).status, 200);

    // a new read key: the old one stops working
    const rotated = await api(s, 'POST', 'page/read_key');
    assert.equal(rotated.status, 200, rotated.text);
    assert.notEqual(rotated.json.read_key, key);
    assertRefused(await get(s, withKey('/feed', key)), 'the old key');
    assert.equal((await get(s, withKey('/feed', rotated.json.read_key))).status, 200);

    // a new password: cookies given before stop working
    assert.equal((await api(s, 'PATCH', 'page', { body: { password: 'koala-express' } })).status, 200);
    assertRefused(await get(s, '/', { cookie }), 'a cookie of the old password');
    assert.equal((await get(s, '/', { cookie: cookieOf(await enterPassword(s, 'koala-express')) })).status, 200);
    // a forged or tampered cookie opens nothing
    const [id, exp] = cookie.slice('pharos_access='.length).split('.');
    assertRefused(await get(s, '/', { cookie: `pharos_access=${id}.${Number(exp) + 1000}.AAAAAAAAAAAAAAAAAAAAAA` }), 'a forged cookie');
  });

  test('password guesses are limited like sign-ins: past the limit even the right one waits', async () => {
    const from = { 'X-Forwarded-For': '203.0.113.50' };
    const guess = async (password) => {
      const door = await get(s, '/', { headers: from });
      return request(s, 'POST', '/access', { headers: { ...FORM, ...from }, body: encode({ csrf_token: csrfOf(door.text), password }) });
    };
    for (let i = 0; i < 5; i++) assert.equal((await guess(`guess-${i}-wrong`)).status, 401);
    const late = await guess('koala-express');
    assert.equal(late.status, 429, late.text.slice(0, 300));
    // another visitor is not locked out by them
    const other = await enterPassword(s, 'koala-express');
    assert.equal(other.status, 303, other.text.slice(0, 2000));
  });

  test('members: a signed-in member of the page sees it; anyone else is sent to sign in', async () => {
    assert.equal((await api(s, 'PATCH', 'page', { body: { visibility: 'members' } })).status, 200);
    const nobody = await get(s, `/incidents/${incident}`);
    assertRefused(nobody, 'members, no session');
    const [, login] = /href="(\/admin\/login\?next=[^"]+)"/.exec(nobody.text.replaceAll('&#61;', '=')) || [];
    assert.equal(login, `/admin/login?next=%2Fincidents%2F${incident}`, 'the door links to sign in, and back');
    const member = new Console(s);
    await member.setup('owner@example.com', 'owner-password-1');
    assert.equal((await member.post('/admin/logout')).status, 303);
    // signing in from the door's link comes back to the page asked for (and never elsewhere)
    const loginPage = await request(s, 'GET', login);
    assert.match(loginPage.text, new RegExp(`name="next" value="/incidents/${incident}"`));
    const back = await member.post('/admin/login', { email: 'owner@example.com', password: 'owner-password-1', next: `/incidents/${incident}` },
      { csrf: csrfOf(loginPage.text) });
    assert.equal(back.status, 303, back.text.slice(0, 300));
    assert.equal(back.headers.location, `/incidents/${incident}`);
    await member.get('/admin'); // the new session's csrf_token
    const away = await new Console(s).post('/admin/login', { email: 'owner@example.com', password: 'owner-password-1', next: 'https://evil.example/' },
      { csrf: csrfOf(loginPage.text) });
    assert.equal(away.headers.location, '/');
    for (const r of all) {
      const res = await get(s, r.path, { cookie: member.cookie });
      assert.equal(res.status, r.missing ? 404 : 200, `${r.path} as a member: ${res.status}`);
      if (!r.missing) assertPrivate(res, `${r.path} as a member`);
    }
    // a user of the other page only
    const add = cli(['user', 'add', '--email', 'stranger@example.com', '--role', 'viewer', '--page', 'other'],
      { dataDir: s.dataDir, input: 'stranger-password-1\n' });
    assert.equal(add.code, 0, add.stderr);
    const stranger = new Console(s);
    await stranger.login('stranger@example.com', 'stranger-password-1');
    assert.ok(stranger.cookie, 'the stranger signed in');
    assertRefused(await get(s, '/', { cookie: stranger.cookie }), 'members, a member of another page');
    // signed out: closed again
    assert.equal((await member.post('/admin/logout')).status, 303);
    assertRefused(await get(s, '/', { cookie: member.cookie || 'pharos_session=ses_gone' }), 'members, signed out');
  });

  test('ip: only clients in the blocks, as told by a trusted proxy', async () => {
    const set = await api(s, 'PATCH', 'page', { body: { visibility: 'ip', ip_allow: ['10.0.0.0/8', '2001:DB8::/32'] } });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual(set.json.page.ip_allow, ['10.0.0.0/8', '2001:db8::/32']);
    const outside = await get(s, '/', { headers: { 'X-Forwarded-For': '192.0.2.1' } });
    assertRefused(outside, 'ip, outside', 403);
    assert.match(outside.text, /192\.0\.2\.1/);
    for (const r of all) {
      const res = await get(s, r.path, { headers: { 'X-Forwarded-For': '10.9.8.7' } });
      assert.equal(res.status, r.missing ? 404 : 200, `${r.path} from 10.9.8.7: ${res.status}`);
    }
    assert.equal((await get(s, '/', { headers: { 'X-Forwarded-For': '2001:db8::7' } })).status, 200);
  });

  test('back to public: cacheable again, no noindex', async () => {
    assert.equal((await api(s, 'PATCH', 'page', { body: { visibility: 'public' } })).status, 200);
    const r = await get(s, '/');
    assert.equal(r.status, 200);
    assert.match(r.headers['cache-control'], /^public/);
    assert.equal(r.headers['x-robots-tag'], undefined);
    // the password is kept for later, and the key stays
    const page = (await api(s, 'GET', 'page')).json.page;
    assert.equal(page.has_password, true);
    assert.match(page.read_key, /^rk_/);
  });
});
