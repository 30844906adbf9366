// A page whose visibility is `sso` (SPEC §16) against a real OpenID provider (npm
// oidc-provider on loopback: lib/oidc_provider.mjs), driven with plain HTTP as a browser
// would. Every public route is closed until the visitor signs in through the page's door:
// a verified address of an allowed domain then reads the page (the access cookie is the
// page's only), for the page asked for; another domain, an unverified address and a
// replayed state do not get in, and none of it makes a console user. Without [oidc] the
// visibility is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir, startServer, dbSql, api, startWithToken, cli } from './lib/harness.mjs';
import { stopClean, assertError } from './lib/admin.mjs';
import { startProvider } from './lib/oidc_provider.mjs';
import { browser } from './lib/browser_jar.mjs';

const CLIENT = { clientId: 'pharos-e2e', clientSecret: 'pharos-e2e-secret-0123456789' };
const SECRET = 'Internal payroll outage';

test('sso pages: only visitors of the allowed domains who signed in read the page', async (t) => {
  const idp = await startProvider();
  const dataDir = tempDir('pharos-sso-page-');
  const token = cli(['token', 'create', '--name', 'e2e'], { dataDir }).stdout.trim();
  const s = await startServer({
    dataDir,
    env: {
      PHAROS_SECURITY_ALLOW_PRIVATE_TARGETS: 'true',
      PHAROS_OIDC_ISSUER: idp.issuer,
      PHAROS_OIDC_CLIENT_ID: CLIENT.clientId,
      PHAROS_OIDC_CLIENT_SECRET: CLIENT.clientSecret,
      PHAROS_OIDC_ALLOWED_DOMAINS: 'allowed.test',
    },
  });
  s.token = token;
  t.after(async () => { await stopClean(s); await idp.stop(); });
  idp.setClient({ ...CLIENT, redirectUri: [`${s.url}/admin/oidc/callback`, `${s.url}/access/sso/callback`] });
  for (const [who, ok] of [['staff@allowed.test', true], ['guest@other.test', true], ['new@allowed.test', false]]) idp.account(who, ok);

  const svc = (await api(s, 'POST', 'services', { body: { name: 'Payroll' } })).json.service.id;
  const inc = (await api(s, 'POST', 'incidents', { body: { title: SECRET, message: 'Looking.', services: [{ id: svc, status: 'major' }] } })).json.incident.id;
  const set = await api(s, 'PATCH', 'page', { body: { visibility: 'sso' } });
  assert.equal(set.status, 200, set.text);

  // closed to anyone not signed in, the door links the page's own sign-in
  const b = browser();
  const door = await b.go(`${s.url}/incidents/${inc}`);
  assert.equal(door.status, 401);
  assert.equal(door.headers.get('x-robots-tag'), 'noindex, nofollow');
  assert.ok(!door.text.includes(SECRET));
  const link = (/href="(\/access\/sso\?next=[^"]+)"/.exec(door.text.replaceAll('&#61;', '=')) || [])[1];
  assert.equal(link, `/access/sso?next=%2Fincidents%2F${inc}`);
  for (const p of ['/', '/feed', '/api/v2/summary.json', '/badge.svg', '/calendar.ics', '/subscribe'])
    assert.equal((await b.go(s.url + p)).status, 401, p);

  // an allowed, verified address: back on the page asked for, and the whole page is open
  idp.signInAs('staff@allowed.test');
  let callback;
  const r = await b.follow(s.url + link, (h) => { if (h.location?.includes('/access/sso/callback')) callback = h.location; });
  assert.equal(r.status, 200, r.text.slice(0, 500));
  assert.equal(new URL(r.url).pathname, `/incidents/${inc}`);
  assert.ok(r.text.includes(SECRET));
  assert.match(r.headers.get('cache-control'), /^private/);
  for (const p of ['/', '/history', '/feed', '/api/v2/summary.json', '/subscribe'])
    assert.equal((await b.go(s.url + p)).status, 200, p);
  assert.equal(Number(dbSql(s, "SELECT COUNT(*) FROM users WHERE email = 'staff@allowed.test'").trim()), 0, 'a page visitor is no console user');
  assert.equal(b.jar.get(new URL(s.url).host).get('pharos_session'), undefined);

  // the same state once more: refused, nothing opened
  const replay = browser();
  const again = await replay.go(callback);
  assert.equal(again.status, 400);
  assert.equal((await replay.go(`${s.url}/`)).status, 401);

  // another domain, and an address the provider has not verified: the door with the reason
  for (const [who, why] of [['guest@other.test', /e-mail domain may not sign in/], ['new@allowed.test', /has not verified this e-mail address/]]) {
    idp.signInAs(who);
    const o = browser();
    const res = await o.follow(`${s.url}/access/sso?next=/`);
    assert.equal(res.status, 403, `${who}: ${res.status}`);
    assert.match(res.text, why);
    assert.ok(!res.text.includes(SECRET));
    assert.equal((await o.go(`${s.url}/`)).status, 401, `${who} does not get in`);
  }

  // a next that leaves the site brings the visitor home
  idp.signInAs('staff@allowed.test');
  const away = await browser().follow(`${s.url}/access/sso?next=//evil.example/`);
  assert.equal(new URL(away.url).origin, s.url);

  // on a page that is not sso there is nothing to sign in to
  assert.equal((await api(s, 'PATCH', 'page', { body: { visibility: 'public' } })).status, 200);
  assert.equal((await browser().go(`${s.url}/access/sso?next=/`)).status, 404);
});

test('sso visibility needs [oidc]', async (t) => {
  const s = await startWithToken();
  t.after(() => stopClean(s));
  assertError(await api(s, 'PATCH', 'page', { body: { visibility: 'sso' } }), 400, 'invalid_input', /needs OpenID Connect/);
});
