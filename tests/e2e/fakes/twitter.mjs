// A fake of the Twitter API that verifies OAuth 1.0a HMAC-SHA1 signatures the way
// Twitter does (recomputed here from the request), for the three-legged sign-in
// (oauth/request_token, oauth/authorize, oauth/access_token) and POST /2/tweets,
// whose JSON "text" must fit 280 characters with links counted as 23.
import crypto from 'node:crypto';
import { startHttpFake } from './http.mjs';

const enc = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

export function oauthSignature(method, url, params, consumerSecret, tokenSecret = '') {
  const ps = Object.entries(params).map(([k, v]) => [enc(k), enc(v)]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`).join('&');
  const base = `${method}&${enc(url)}&${enc(ps)}`;
  return crypto.createHmac('sha1', `${enc(consumerSecret)}&${enc(tokenSecret)}`).update(base).digest('base64');
}

function parseAuth(h) {
  if (!h || !h.startsWith('OAuth ')) return null;
  const out = {};
  for (const m of h.slice(6).matchAll(/([a-z_]+)="([^"]*)"/g)) out[m[1]] = decodeURIComponent(m[2]);
  return out;
}

export function tweetLength(text) {
  return [...text.replace(/https?:\/\/\S+/g, 'x'.repeat(23))].length;
}

export async function startTwitter({ key = 'consumer-key', secret = 'consumer-secret' } = {}) {
  const requests = new Map(); // request token -> secret
  const access = { token: 'access-token-1', secret: 'access-secret-1', screen_name: 'pharos_status' };
  const queue = [];
  const oauthQueue = [];
  const fake = await startHttpFake((r) => {
    const url = fake.base + r.url.split('?')[0];
    const a = parseAuth(r.headers.authorization);
    if (!a || a.oauth_consumer_key !== key || a.oauth_signature_method !== 'HMAC-SHA1' || a.oauth_version !== '1.0') return { status: 401, body: { title: 'Unauthorized' } };
    const params = { ...a };
    delete params.oauth_signature;
    if ((r.headers['content-type'] || '').startsWith('application/x-www-form-urlencoded'))
      for (const [k, v] of new URLSearchParams(r.body)) params[k] = v;
    let tokenSecret = '';
    if (r.url === '/oauth/access_token') tokenSecret = requests.get(a.oauth_token) ?? '\u0000';
    if (r.url === '/2/tweets') tokenSecret = a.oauth_token === access.token ? access.secret : '\u0000';
    if (oauthSignature(r.method, url, params, secret, tokenSecret) !== a.oauth_signature) {
      fake.forged.push(r);
      return { status: 401, body: { title: 'Unauthorized', detail: 'bad signature' } };
    }
    if (r.url.startsWith('/oauth/') && oauthQueue.length) return oauthQueue.shift();
    if (r.url === '/oauth/request_token') {
      if (!a.oauth_callback) return { status: 400, body: 'oauth_callback required' };
      const t = 'req-' + crypto.randomBytes(6).toString('hex');
      requests.set(t, 'reqsecret-' + t);
      fake.callback = a.oauth_callback;
      return { status: 200, type: 'text/plain', body: `oauth_token=${t}&oauth_token_secret=reqsecret-${t}&oauth_callback_confirmed=true` };
    }
    if (r.url === '/oauth/access_token') {
      if (a.oauth_verifier !== 'verifier-ok') return { status: 401, body: 'bad verifier' };
      requests.delete(a.oauth_token);
      return { status: 200, type: 'text/plain', body: `oauth_token=${access.token}&oauth_token_secret=${access.secret}&user_id=42&screen_name=${access.screen_name}` };
    }
    if (r.url === '/2/tweets' && r.method === 'POST') {
      const p = JSON.parse(r.body);
      if (typeof p.text !== 'string' || tweetLength(p.text) > 280) return { status: 400, body: { detail: 'text too long' } };
      const next = queue.shift();
      if (next) return next;
      fake.tweets.push({ text: p.text, at: r.at });
      return { status: 201, body: { data: { id: String(1e15 + fake.tweets.length), text: p.text } } };
    }
    return { status: 404, body: {} };
  });
  Object.assign(fake, {
    tweets: [], forged: [], access,
    answerNext(status, headers = {}, body = {}) { queue.push({ status, headers, body }); },
    // The next correctly signed oauth/request_token or oauth/access_token gets this answer.
    answerNextOAuth(status, body = {}, headers = {}) { oauthQueue.push({ status, headers, body }); },
    env: { PHAROS_TWITTER_API_BASE: fake.base, PHAROS_TWITTER_CONSUMER_KEY: key, PHAROS_TWITTER_CONSUMER_SECRET: secret },
  });
  return fake;
}
