// "Sign in with SSO" (SPEC §16) against a real OpenID provider (npm oidc-provider on
// loopback: lib/oidc_provider.mjs), driven with plain HTTP as a browser would: fetch with
// manual redirects and a cookie jar, the waiting page's refresh followed.
// Sign-in works for a verified address of an allowed domain (a new user gets
// default_role, a known one keeps theirs) and nowhere else: not for another domain, not
// for an unverified address, not with a replayed state, not with an ID token a man in
// the middle changed or signed himself; it goes on working when the provider rotates its
// keys. A misconfigured issuer shows why on the login page and in the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ON_PG, cli, tempDir, startServer, dbSql, pgName, dropDb } from './lib/harness.mjs';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { stopClean } from './lib/admin.mjs';
import { startProvider, newKey } from './lib/oidc_provider.mjs';
import { browser } from './lib/browser_jar.mjs';
import { createPrivateKey, createSign } from 'node:crypto';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CLIENT = { clientId: 'pharos-e2e', clientSecret: 'pharos-e2e-secret-0123456789' };

async function setup(t, { env = {}, users = [], authMethod, conform } = {}) {
  const idp = await startProvider({ conform });
  const dataDir = tempDir('pharos-oidc-');
  for (const [email, role] of users)
    assert.equal(cli(['user', 'add', '--email', email, '--role', role], { dataDir, input: 'password-123\n' }).code, 0);
  const s = await startServer({
    dataDir,
    env: {
      PHAROS_SECURITY_ALLOW_PRIVATE_TARGETS: 'true',
      PHAROS_OIDC_ISSUER: idp.issuer,
      PHAROS_OIDC_CLIENT_ID: CLIENT.clientId,
      PHAROS_OIDC_CLIENT_SECRET: CLIENT.clientSecret,
      PHAROS_OIDC_ALLOWED_DOMAINS: 'allowed.test, also-allowed.test',
      PHAROS_OIDC_DEFAULT_ROLE: 'editor',
      ...env,
    },
  });
  t.after(async () => { await stopClean(s); await idp.stop(); });
  idp.setClient({ ...CLIENT, redirectUri: `${s.url}/admin/oidc/callback`, authMethod });
  return { idp, s };
}

// Signs EMAIL in through SSO from the login page; returns the last answer and the browser.
async function signIn(s, idp, email, b = browser(), on) {
  idp.signInAs(email);
  const login = await b.go(`${s.url}/admin/login`);
  assert.match(login.text, /href="\/admin\/oidc\/start"/);
  const r = await b.follow(`${s.url}/admin/oidc/start`, on);
  return { r, b };
}

const signedIn = (r) => r.status === 200 && /Dashboard/i.test(r.text) && r.url.endsWith('/admin');
const count = (s, sql) => Number(dbSql(s, sql).trim());

test('SSO: allowed domains sign in (new users get default_role); others, unverified and replayed states do not', async (t) => {
  const { idp, s } = await setup(t, { users: [['owner@allowed.test', 'owner'], ['outsider@other.test', 'admin']] });
  idp.account('new@allowed.test');
  idp.account('owner@allowed.test');
  idp.account('outsider@other.test');
  idp.account('nobody@other.test');
  idp.account('unverified@allowed.test', false);

  // a new address of an allowed domain: created with default_role, signed in, audited
  let callback;
  const { r, b } = await signIn(s, idp, 'new@allowed.test', browser(), (h) => {
    if (h.location && h.location.includes('/admin/oidc/callback')) callback = h.location;
  });
  assert.ok(signedIn(r), `${r.status} ${r.url}\n${r.text.slice(0, 600)}`);
  assert.match(callback, /[?&]state=[^&]+/);
  assert.match(callback, /[?&]code=[^&]+/);
  assert.equal(dbSql(s, "SELECT m.role FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.email = 'new@allowed.test'").trim(), 'editor');
  assert.equal(count(s, "SELECT COUNT(*) FROM audit_log WHERE action IN ('user.sso_create', 'user.sso_signin') AND detail = 'new@allowed.test'"), 2);
  assert.equal(count(s, "SELECT COUNT(*) FROM users WHERE email = 'new@allowed.test' AND password_hash IS NULL"), 1);
  // the session is a normal console session: another screen, then sign-out
  const team = await b.go(`${s.url}/admin/services`);
  assert.equal(team.status, 200);
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(team.text)[1];
  const out = await fetch(`${s.url}/admin/logout`, {
    method: 'POST', redirect: 'manual', body: `csrf_token=${encodeURIComponent(csrf)}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `pharos_session=${b.jar.get(new URL(s.url).host).get('pharos_session')}` },
  });
  assert.equal(out.status, 303);
  assert.equal((await b.go(`${s.url}/admin/services`)).status, 303); // signed out

  // the same state once more (the provider's redirect replayed, cookie and all): refused
  const sessions = count(s, 'SELECT COUNT(*) FROM sessions');
  const replay = browser();
  const again = await replay.go(callback);
  assert.equal(again.status, 400, again.text.slice(0, 400));
  assert.match(again.text, /not started in this browser|already used/);
  b.jar.get(new URL(s.url).host).set('pharos_oidc', new URL(callback).searchParams.get('state'));
  const again2 = await b.go(callback);
  assert.equal(again2.status, 400);
  assert.match(again2.text, /unknown, expired or already used/);
  assert.equal(count(s, 'SELECT COUNT(*) FROM sessions'), sessions);

  // a known user keeps their role
  const owner = await signIn(s, idp, 'owner@allowed.test');
  assert.ok(signedIn(owner.r));
  assert.equal(count(s, "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = 'owner@allowed.test' AND m.role = 'owner'"), 1);

  // another domain: refused, whether or not the address has an account; nobody created
  for (const who of ['nobody@other.test', 'outsider@other.test']) {
    const o = await signIn(s, idp, who);
    assert.equal(o.r.status, 403, o.r.text.slice(0, 400));
    assert.match(o.r.text, /e-mail domain may not sign in with single sign-on/);
    assert.equal(o.b.jar.get(new URL(s.url).host)?.get('pharos_session'), undefined);
  }
  assert.equal(count(s, "SELECT COUNT(*) FROM users WHERE email = 'nobody@other.test'"), 0);

  // an address the provider has not verified: refused
  const u = await signIn(s, idp, 'unverified@allowed.test');
  assert.equal(u.r.status, 403);
  assert.match(u.r.text, /has not verified this e-mail address/);
  assert.equal(count(s, "SELECT COUNT(*) FROM users WHERE email = 'unverified@allowed.test'"), 0);

  // a callback with a state this browser never started: refused
  const forged = await browser().go(`${s.url}/admin/oidc/callback?state=abc&code=def`);
  assert.equal(forged.status, 400);
  // the provider's refusal is shown
  const denied = browser();
  await denied.go(`${s.url}/admin/oidc/start`).catch(() => {});
  const st = denied.jar.get(new URL(s.url).host).get('pharos_oidc');
  const d = await denied.go(`${s.url}/admin/oidc/callback?state=${st}&error=access_denied&error_description=no`);
  assert.equal(d.status, 400);
  assert.match(d.text, /the provider refused the sign-in: access_denied/);
  // nothing secret is kept in clear: no state, the verifier sealed
  assert.equal(count(s, `SELECT COUNT(*) FROM oidc_logins WHERE state_hash = '${st}'`), 0);
  assert.doesNotMatch(s.log, /pharos-e2e-secret/);
});

// The ID token's claims part of TOKEN with CHANGE applied (the signature kept).
function changeClaims(token, change) {
  const [h, p, sig] = token.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url'));
  change(claims);
  return [h, Buffer.from(JSON.stringify(claims)).toString('base64url'), sig].join('.');
}

// TOKEN's claims signed again with KEY (a JWK with kid): a forgery.
function resign(token, key) {
  const [, p] = token.split('.');
  const h = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid })).toString('base64url');
  const sig = createSign('RSA-SHA256').update(`${h}.${p}`).sign(createPrivateKey({ key, format: 'jwk' }));
  return `${h}.${p}.${sig.toString('base64url')}`;
}

test('SSO: a tampered or forged ID token is refused; a key rotation is followed', async (t) => {
  const { idp, s } = await setup(t, { authMethod: 'client_secret_post', conform: true, users: [['owner@allowed.test', 'owner']] });
  idp.account('alice@allowed.test');
  idp.account('mallory@other.test');

  // a man in the middle changes the e-mail in the token: the signature no longer verifies
  idp.tamper((tok) => changeClaims(tok, (c) => { c.email = 'boss@allowed.test'; }));
  let r = (await signIn(s, idp, 'mallory@other.test')).r;
  assert.equal(r.status, 403, r.text.slice(0, 400));
  assert.match(r.text, /signature does not verify/);
  assert.equal(count(s, "SELECT COUNT(*) FROM users WHERE email = 'boss@allowed.test'"), 0);

  // ... or signs a token of his own with a key the provider does not publish: pharos asks
  // the provider for its keys again (once, paced), then refuses
  const evil = newKey();
  idp.tamper((tok) => resign(changeClaims(tok, (c) => { c.email = 'boss@allowed.test'; }), evil));
  r = (await signIn(s, idp, 'mallory@other.test')).r;
  assert.equal(r.status, 403, r.text.slice(0, 400));
  assert.match(r.text, /signed with a key it does not publish/);
  assert.equal(count(s, "SELECT COUNT(*) FROM users WHERE email = 'boss@allowed.test'"), 0);
  // a burst of such tokens does not make pharos hammer the provider: three at once are
  // settled by one more fetch of the key set
  const jwks = idp.hits('/jwks');
  const burst = await Promise.all([1, 2, 3].map(() => signIn(s, idp, 'mallory@other.test')));
  for (const x of burst) assert.match(x.r.text, /signed with a key it does not publish/);
  assert.equal(idp.hits('/jwks'), jwks + 1);

  // untampered, it works (client_secret_post: the only method this client may use; the
  // e-mail in the ID token because pharos asks for it with the claims parameter)
  idp.tamper(null);
  r = (await signIn(s, idp, 'alice@allowed.test')).r;
  assert.ok(signedIn(r), r.text.slice(0, 400));

  // the provider rotates to a new key (and to ES256): the next sign-in fetches the keys
  // again and goes through
  const kid = idp.rotate('EC');
  r = (await signIn(s, idp, 'alice@allowed.test')).r;
  assert.ok(signedIn(r), r.text.slice(0, 600));
  assert.match(dbSql(s, 'SELECT jwks FROM oidc_providers'), new RegExp(kid));
  // the token endpoint was not asked twice for one code, and the key set was fetched
  // again at most once per sign-in that needed it
  assert.equal(count(s, "SELECT COUNT(*) FROM oidc_logins WHERE step = 'used'"), 2);
});

test('SSO: a misconfigured issuer is named on the login page and in the log, never a hang', async (t) => {
  const idp = await startProvider();
  t.after(() => idp.stop());
  idp.setClient({ ...CLIENT, redirectUri: 'http://127.0.0.1:1/admin/oidc/callback' });
  const issuer = idp.issuer.replace('127.0.0.1', 'localhost'); // the provider says 127.0.0.1
  const dataDir = tempDir('pharos-oidc-');
  assert.equal(cli(['user', 'add', '--email', 'owner@allowed.test', '--role', 'owner'], { dataDir, input: 'password-123\n' }).code, 0);
  const s = await startServer({
    dataDir,
    env: {
      PHAROS_OIDC_ISSUER: issuer,
      PHAROS_OIDC_CLIENT_ID: CLIENT.clientId,
      PHAROS_OIDC_CLIENT_SECRET: CLIENT.clientSecret,
      PHAROS_OIDC_ALLOWED_DOMAINS: 'allowed.test',
    },
  });
  t.after(() => stopClean(s));
  for (let i = 0; i < 50 && !/cannot be used/.test(s.log); i++) await sleep(100);
  assert.match(s.log, /oidc: the provider .* cannot be used: the discovery document names the issuer/);
  const b = browser();
  const login = await b.go(`${s.url}/admin/login`);
  assert.equal(login.status, 200);
  assert.match(login.text, /Single sign-on is not available: the discovery document names the issuer/);
  const start = await b.go(`${s.url}/admin/oidc/start`);
  assert.equal(start.status, 503);
  assert.match(start.text, /exactly the provider&#39;s issuer|exactly the provider's issuer/);
  // password sign-in is untouched
  assert.match(login.text, /name="password"/);

  // a provider nobody answers at: the same, with curl's reason
  const dir2 = tempDir('pharos-oidc-');
  assert.equal(cli(['user', 'add', '--email', 'owner@allowed.test', '--role', 'owner'], { dataDir: dir2, input: 'password-123\n' }).code, 0);
  const s2 = await startServer({
    dataDir: dir2,
    env: { PHAROS_OIDC_ISSUER: 'http://127.0.0.1:1', PHAROS_OIDC_CLIENT_ID: 'x', PHAROS_OIDC_CLIENT_SECRET: 'y', PHAROS_OIDC_ALLOWED_DOMAINS: 'allowed.test' },
  });
  t.after(() => stopClean(s2));
  for (let i = 0; i < 50 && !/cannot be used/.test(s2.log); i++) await sleep(100);
  assert.match(s2.log, /cannot be used: cannot reach the provider \(discovery\)/);
  assert.match((await browser().go(`${s2.url}/admin/login`)).text, /Single sign-on is not available: cannot reach the provider/);

  // bad [oidc] settings stop the server from starting, naming the key
  const bad = cli(['serve', '--listen', '127.0.0.1:0'], { dataDir: tempDir(), env: { PHAROS_OIDC_ISSUER: 'http://idp.example.com', PHAROS_OIDC_CLIENT_ID: 'x', PHAROS_OIDC_CLIENT_SECRET: 'y', PHAROS_OIDC_ALLOWED_DOMAINS: 'a.test' } });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /\[oidc\] issuer must be an https:\/\/ URL/);
  const role = cli(['serve', '--listen', '127.0.0.1:0'], { dataDir: tempDir(), env: { PHAROS_OIDC_ISSUER: 'https://idp.example.com', PHAROS_OIDC_CLIENT_ID: 'x', PHAROS_OIDC_CLIENT_SECRET: 'y', PHAROS_OIDC_ALLOWED_DOMAINS: 'a.test', PHAROS_OIDC_DEFAULT_ROLE: 'god' } });
  assert.match(role.stderr, /\[oidc\] default_role must be/);
});

test('SSO across nodes: begun on one node, finished on another (PostgreSQL)', { skip: ON_PG ? false : 'several nodes need PostgreSQL' }, async (t) => {
  const idp = await startProvider();
  const home = tempDir('pharos-oidc-nodes-');
  const dbUrl = `postgresql:///${pgName(home)}`;
  const key = randomBytes(32);
  writeFileSync(path.join(home, 'secret.key'), key, { mode: 0o600 });
  assert.equal(cli(['user', 'add', '--email', 'owner@allowed.test', '--role', 'owner'], { dataDir: home, input: 'password-123\n' }).code, 0);
  const node = async (id) => {
    const dir = tempDir(`pharos-oidc-${id}-`);
    writeFileSync(path.join(dir, 'secret.key'), key, { mode: 0o600 });
    return startServer({
      dataDir: dir,
      env: {
        PHAROS_STORAGE_DATABASE: dbUrl, PHAROS_SERVER_NODE_ID: id,
        PHAROS_OIDC_ISSUER: idp.issuer, PHAROS_OIDC_CLIENT_ID: CLIENT.clientId,
        PHAROS_OIDC_CLIENT_SECRET: CLIENT.clientSecret, PHAROS_OIDC_ALLOWED_DOMAINS: 'allowed.test',
      },
    });
  };
  const a = await node('a');
  const b = await node('b');
  t.after(async () => { await stopClean(b); await idp.stop(); dropDb(home); });
  idp.setClient({ ...CLIENT, redirectUri: `${a.url}/admin/oidc/callback` });
  idp.account('carol@allowed.test');
  idp.signInAs('carol@allowed.test');
  // begun on node a, which is gone before the provider comes back
  const br = browser();
  const back = await br.follow(`${a.url}/admin/oidc/start`, (h) => Boolean(h.location?.startsWith(`${a.url}/admin/oidc/callback`)));
  await stopClean(a);
  // the browser comes back to node b (the same cookie: browsers do not tell ports apart)
  br.jar.set(new URL(b.url).host, new Map([['pharos_oidc', br.jar.get(new URL(a.url).host).get('pharos_oidc')]]));
  const r = await br.follow(back.location.replace(a.url, b.url));
  assert.ok(signedIn(r), `${r.status} ${r.url}\n${r.text.slice(0, 600)}`);
  assert.equal(count({ dataDir: home }, "SELECT COUNT(*) FROM users WHERE email = 'carol@allowed.test'"), 1);
  // the provider was fetched by the nodes' dispatchers between them, not once per request
  assert.ok(idp.hits('/.well-known/openid-configuration') <= 2);
});
