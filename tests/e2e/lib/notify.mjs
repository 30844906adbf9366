// Helpers of the subscription and notification suites: a server wired to local fakes
// of every provider (tests/e2e/fakes), and the public forms driven like a browser.
import { startWithToken, request, api } from './harness.mjs';
import { startSmtp } from '../fakes/smtp.mjs';
import { startTwilio } from '../fakes/twilio.mjs';
import { startSlack } from '../fakes/slack.mjs';
import { startTwitter } from '../fakes/twitter.mjs';
import { startWebhook } from '../fakes/webhook.mjs';

// Starts the fakes and a server using them. Returns {s, smtp, twilio, slack, twitter, webhook, env}.
// PRIVATETARGETS sets security.allow_private_targets: the Slack and webhook fakes on
// 127.0.0.1 need it; SMTP, Twilio and Twitter (the operator's addresses) do not.
export async function startWorld({ env = {}, dataDir, threads, smtpDelayMs = 0, privateTargets = true } = {}) {
  const smtp = await startSmtp({ delayMs: smtpDelayMs });
  const twilio = await startTwilio();
  const slack = await startSlack();
  const twitter = await startTwitter();
  const webhook = await startWebhook();
  const fullEnv = {
    PHAROS_SECURITY_ALLOW_PRIVATE_TARGETS: String(privateTargets),
    PHAROS_EMAIL_SMTP_URL: smtp.url,
    PHAROS_EMAIL_FROM: 'status@example.test',
    ...twilio.env, ...twitter.env,
    ...env,
  };
  const s = await startWithToken({ env: fullEnv, dataDir, threads });
  return { s, smtp, twilio, slack, twitter, webhook, env: fullEnv };
}

export async function stopWorld(w) {
  await Promise.all([w.smtp.stop(), w.twilio.close(), w.slack.close(), w.twitter.close(), w.webhook.close()]);
}

// Posts a urlencoded form (PAIRS: [[k, v]…] or an object) to PATH.
export function postForm(s, path, pairs, opts = {}) {
  const body = new URLSearchParams(Array.isArray(pairs) ? pairs : Object.entries(pairs)).toString();
  return request(s, 'POST', path, { body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(opts.headers || {}) }, host: opts.host });
}

export const linkIn = (text, re) => {
  const m = re.exec(text);
  if (!m) throw new Error(`no link ${re} in:\n${text}`);
  return new URL(m[0]).pathname;
};

// Subscribes ADDRESS by e-mail through the public form, confirms from the mail and
// chooses SERVICES (ids) or all. Returns the preferences path (/subscription/TOKEN).
export async function subscribeEmail(w, address, services = 'all', client = {}) {
  const r = await postForm(w.s, '/subscribe', { email: address }, client);
  if (r.status !== 200) throw new Error(`subscribe ${address}: ${r.status} ${r.text.slice(0, 300)}`);
  const mails = await w.smtp.waitFor((m) => m.some((x) => x.to.includes(address) && /Confirm/.test(x.headers.subject)), 20000, `confirmation to ${address}`);
  const mail = mails.find((x) => x.to.includes(address) && /Confirm/.test(x.headers.subject));
  const confirm = linkIn(mail.text, /http:\/\/\S+\/subscribe\/confirm\/\S+/);
  const c = await request(w.s, 'GET', confirm);
  if (c.status !== 303) throw new Error(`confirm: ${c.status} ${c.text.slice(0, 300)}`);
  const prefs = c.headers.location.replace(/\?.*$/, '');
  const pairs = services === 'all' ? [['all', '1']] : services.map((id) => ['services', String(id)]);
  const p = await postForm(w.s, prefs, pairs);
  if (p.status !== 200) throw new Error(`preferences: ${p.status} ${p.text.slice(0, 300)}`);
  return prefs;
}

export async function newService(s, name) {
  return (await api(s, 'POST', 'services', { body: { name } })).json.service;
}

export async function newIncident(s, body) {
  const r = await api(s, 'POST', 'incidents', { body: { message: 'We are looking into it.', ...body } });
  if (r.status !== 201) throw new Error(`incident: ${r.status} ${r.text}`);
  return r.json.incident;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Follows "Sign in with Twitter" from a 303 to the console's connecting page (which
// reloads itself every second while the dispatcher talks to Twitter) until it sends the
// browser elsewhere or shows the outcome. Returns the last response.
export async function followConnecting(con, r, { timeoutMs = 15000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let page = r;
  let path = null;
  for (;;) {
    const loc = page.status === 303 ? page.headers.location : null;
    if (loc && loc.startsWith('/admin/integrations/twitter/connecting?')) {
      path = loc;
    } else if (page.status === 200 && path && /Contacting Twitter/.test(page.text)) {
      if (!/<meta http-equiv="refresh" content="1">/.test(page.text)) throw new Error('the connecting page does not reload itself');
      await sleep(100);
    } else {
      return page;
    }
    if (Date.now() > deadline) throw new Error(`still connecting after ${timeoutMs} ms`);
    page = await con.get(path);
  }
}

// Connects the page's Twitter account through the console's "Sign in with Twitter"
// (a first user is set up) against the fake, then enables the integration.
export async function connectTwitter(w) {
  const { Console } = await import('../admin_console.mjs');
  const con = new Console(w.s);
  await con.setup('owner@example.test', 'correct horse battery');
  await con.get('/admin/integrations');
  const go = await followConnecting(con, await con.post('/admin/integrations/twitter/connect'));
  if (go.status !== 303) throw new Error(`connect: ${go.status} ${go.text.slice(0, 400)}`);
  const auth = new URL(go.headers.location);
  if (auth.origin !== w.twitter.base || auth.pathname !== '/oauth/authorize') throw new Error(`authorize URL ${auth}`);
  const token = auth.searchParams.get('oauth_token');
  const cb = new URL(w.twitter.callback);
  const back = await followConnecting(con, await con.get(`${cb.pathname}?oauth_token=${encodeURIComponent(token)}&oauth_verifier=verifier-ok`));
  if (back.status !== 303 || back.headers.location !== '/admin/integrations?notice=connected')
    throw new Error(`callback: ${back.status} ${back.headers.location} ${back.text.slice(0, 400)}`);
  const r = await api(w.s, 'PUT', 'integrations/twitter', { body: { enabled: true } });
  if (r.status !== 200) throw new Error(`enable twitter: ${r.status} ${r.text}`);
  return con;
}

export async function connectAll(w) {
  let r = await api(w.s, 'PUT', 'integrations/slack', { body: { enabled: true, webhook_url: w.slack.url } });
  if (r.status !== 200) throw new Error(`slack: ${r.status} ${r.text}`);
  r = await api(w.s, 'PUT', 'integrations/webhook', { body: { enabled: true, url: w.webhook.url, secret: w.webhook.secret } });
  if (r.status !== 200) throw new Error(`webhook: ${r.status} ${r.text}`);
  return connectTwitter(w);
}

// Waits until update UPDATE_ID's job is expanded and none of its deliveries is pending or
// sending; returns its deliveries as [{channel, recipient, state, attempts, last_error}].
export async function settled(s, updateId, timeoutMs = 30000) {
  const { dbSql } = await import('./harness.mjs');
  const end = Date.now() + timeoutMs;
  for (;;) {
    const open = dbSql(s, `SELECT (SELECT COUNT(*) FROM notify_jobs WHERE update_id=${updateId} AND state='pending') + (SELECT COUNT(*) FROM deliveries WHERE update_id=${updateId} AND state IN ('pending','sending'))`).trim();
    if (open === '0') break;
    if (Date.now() > end) throw new Error(`update ${updateId} not settled`);
    await sleep(100);
  }
  const rows = dbSql(s, `SELECT channel, recipient, state, attempts, COALESCE(last_error,'') FROM deliveries WHERE update_id=${updateId} ORDER BY channel, recipient`).trim();
  return rows ? rows.split('\n').map((l) => { const [channel, recipient, state, attempts, last_error] = l.split('|'); return { channel, recipient, state, attempts: Number(attempts), last_error }; }) : [];
}
