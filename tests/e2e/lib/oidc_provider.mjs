// A real OpenID provider (npm oidc-provider) on 127.0.0.1 for the SSO suites.
//
// The HTTP server is started first (its port is the issuer's) and hands requests to the
// Provider of the moment, so a test can configure pharos with the issuer, learn
// pharos's port, then make the Provider with pharos's redirect_uri (setClient), and
// later swap in a Provider with new keys (rotate: the same issuer, a new key set).
// Requests that come before there is a Provider wait for it.
//
// Sign-in without forms: the login interaction signs in whoever `who()` names (set with
// signInAs), and loadExistingGrant grants the requested scopes, so a browser following
// redirects goes from the authorize endpoint straight back to pharos.
//
// tamper(fn): the token endpoint's JSON answer passes through fn first (a man in the
// middle between pharos and the provider).
import http from 'node:http';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';

export function newKey(kind = 'RSA') {
  const { privateKey } = kind === 'EC'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: randomUUID(), use: 'sig', alg: kind === 'EC' ? 'ES256' : 'RS256' };
}

// CONFORM: the provider conforms strictly (e-mail claims in the ID token only when asked
// for with the claims parameter, which it then offers); else it puts them there anyway.
export async function startProvider({ conform = false } = {}) {
  let provider = null;
  let ready;
  let whenReady = new Promise((r) => { ready = r; });
  let tamper = null;
  const accounts = new Map(); // e-mail → email_verified
  let current = null;
  let client = null;
  let keys = [newKey()];
  let authMethods = ['client_secret_basic', 'client_secret_post'];

  const hits = {}; // requests per path: how often pharos fetched what
  const server = http.createServer(async (req, res) => {
    const where = req.url.split('?')[0];
    hits[where] = (hits[where] || 0) + 1;
    const p = provider || await whenReady;
    if (req.url.startsWith('/interaction/')) {
      try {
        const details = await p.interactionDetails(req, res);
        if (details.prompt.name !== 'login') throw new Error('unexpected prompt ' + details.prompt.name);
        await p.interactionFinished(req, res, { login: { accountId: current } }, { mergeWithLastSubmission: false });
      } catch (err) {
        res.statusCode = 500;
        res.end(String(err));
      }
      return;
    }
    if (tamper && req.method === 'POST' && req.url.startsWith('/token')) {
      const chunks = [];
      const write = res.write.bind(res);
      const end = res.end.bind(res);
      res.write = (c) => { chunks.push(Buffer.from(c)); return true; };
      res.end = (c, ...rest) => {
        if (c && typeof c !== 'function') chunks.push(Buffer.from(c));
        let body = Buffer.concat(chunks).toString('utf8');
        try {
          const j = JSON.parse(body);
          if (j.id_token) j.id_token = tamper(j.id_token);
          body = JSON.stringify(j);
        } catch { /* not JSON: passed on as is */ }
        res.setHeader('content-length', Buffer.byteLength(body));
        void write;
        return end(body, ...rest.filter((x) => typeof x === 'function'));
      };
    }
    p.callback()(req, res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${server.address().port}`;

  function make() {
    const p = new Provider(issuer, {
      clients: [client],
      jwks: { keys },
      findAccount: async (ctx, id) => ({
        accountId: id,
        claims: async () => ({ sub: id, email: id, email_verified: accounts.get(id) ?? false }),
      }),
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      scopes: ['openid', 'email', 'profile'],
      interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
      loadExistingGrant: async (ctx) => {
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
        grant.addOIDCScope('openid email profile');
        grant.addOIDCClaims(['email', 'email_verified']);
        await grant.save();
        return grant;
      },
      cookies: { keys: ['pharos-e2e-cookie-key'] },
      enabledJWA: { idTokenSigningAlgValues: ['RS256', 'ES256'] },
      clientAuthMethods: authMethods,
      // e-mail claims in the ID token itself (as Google, Entra ID, Keycloak… put them), or
      // only when asked for (pharos reads the ID token, not the userinfo endpoint)
      conformIdTokenClaims: conform,
      features: { devInteractions: { enabled: false }, claimsParameter: { enabled: conform } },
    });
    p.on('server_error', (ctx, err) => console.error('oidc-provider:', err));
    return p;
  }

  return {
    issuer,
    // Registers pharos as the client; makes the Provider (requests waiting go on).
    // AUTH_METHOD is also the only one the provider offers unless it is the default;
    // REDIRECT_URI may be a list (the console's and the pages' callbacks).
    setClient({ clientId, clientSecret, redirectUri, authMethod = 'client_secret_basic' }) {
      if (authMethod !== 'client_secret_basic') authMethods = [authMethod];
      client = {
        client_id: clientId, client_secret: clientSecret,
        redirect_uris: Array.isArray(redirectUri) ? redirectUri : [redirectUri],
        grant_types: ['authorization_code'], response_types: ['code'],
        token_endpoint_auth_method: authMethod,
        id_token_signed_response_alg: keys[0].alg,
      };
      provider = make();
      ready(provider);
    },
    account(email, verified = true) { accounts.set(email, verified); },
    signInAs(email) { current = email; },
    tamper(fn) { tamper = fn; },
    // A new key set (KIND RSA or EC): the same issuer, a Provider made anew.
    rotate(kind = 'RSA') {
      keys = [newKey(kind)];
      client = { ...client, id_token_signed_response_alg: keys[0].alg };
      provider = make();
      return keys[0].kid;
    },
    keys: () => keys,
    hits: (where) => hits[where] || 0,
    // Requests waiting for a Provider (before setClient) keep waiting until then.
    reset() { provider = null; whenReady = new Promise((r) => { ready = r; }); },
    stop() {
      server.closeAllConnections?.();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
