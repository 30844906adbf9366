// The notification matrix of SPEC §10, stage by stage and channel by channel, against a
// real SMTP server and fakes of Twilio, Slack and Twitter that verify what the providers
// verify (tests/e2e/fakes), plus the wire formats: e-mail headers, SMS and tweet lengths,
// Slack blocks (escaped, cut at a character), the webhook's signature; notify:false;
// Sign in with Twitter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, request } from './lib/harness.mjs';
import { stopClean, dbSql } from './lib/admin.mjs';
import { startWorld, stopWorld, connectAll, settled, newService, newIncident, followConnecting } from './lib/notify.mjs';
import { gsmUnits } from './fakes/twilio.mjs';
import { tweetLength } from './fakes/twitter.mjs';

const ALL = ['email', 'slack', 'sms', 'twitter', 'webhook'];
const NO_SMS = ['email', 'slack', 'twitter', 'webhook'];

let w;
let s;
let svc;
let con; // the console session that signed in with Twitter
before(async () => {
  w = await startWorld();
  s = w.s;
  svc = await newService(s, 'API');
  con = await connectAll(w);
  for (const [channel, address] of [['email', 'ann@example.test'], ['sms', '+14155550101']]) {
    const r = await api(s, 'POST', 'subscribers', { body: { channel, address, confirmed: true } });
    assert.equal(r.status, 201, r.text);
  }
});
after(async () => { await stopClean(s); await stopWorld(w); });

const lastUpdate = (ev) => ev.updates[ev.updates.length - 1].id;
async function expectChannels(ev, channels, what) {
  const ds = await settled(s, lastUpdate(ev));
  assert.deepEqual([...new Set(ds.map((d) => d.channel))].sort(), channels, `${what}: channels`);
  for (const d of ds) assert.equal(d.state, 'sent', `${what}: ${d.channel} ${d.last_error}`);
  return ds;
}
const counts = () => ({ email: w.smtp.byRecipient('ann@example.test').length, sms: w.twilio.messages.length, slack: w.slack.messages.length, twitter: w.twitter.tweets.length, webhook: w.webhook.events.length });
function assertGrew(before, channels) {
  const now = counts();
  for (const c of ALL) assert.equal(now[c] - before[c], channels.includes(c) ? 1 : 0, `${c}: ${before[c]} → ${now[c]}`);
}

test('the Twitter account was connected by signing in (token stored sealed, never shown)', async () => {
  const r = await api(s, 'GET', 'integrations/twitter');
  assert.equal(r.status, 200);
  assert.equal(r.json.integration.enabled, true);
  assert.equal(r.json.integration.screen_name, 'pharos_status');
  assert.doesNotMatch(r.text, /access-secret-1|access-token-1/);
  assert.doesNotMatch(dbSql(s, "SELECT config || COALESCE(secret,'') FROM integrations WHERE kind='twitter'"), /access-secret-1/);
  assert.equal(w.twitter.forged.length, 0, 'every request to Twitter was correctly signed');
  assert.doesNotMatch(dbSql(s, "SELECT group_concat(COALESCE(secret,'') || COALESCE(verifier,'')) FROM oauth_requests"), /reqsecret-|verifier-ok/,
    'the request token secret is kept sealed and the verifier forgotten');
  assert.equal(dbSql(s, 'SELECT state FROM oauth_requests').trim(), 'done');
});

test('Sign in with Twitter: a refused request token ends on the Integrations page with the error', async () => {
  w.twitter.answerNextOAuth(401, { title: 'Unauthorized' });
  const go = await con.post('/admin/integrations/twitter/connect');
  assert.equal(go.status, 303, 'the console request does not wait on Twitter');
  assert.match(go.headers.location, /^\/admin\/integrations\/twitter\/connecting\?id=\d+$/);
  const end = await followConnecting(con, go);
  assert.equal(end.status, 502);
  assert.match(end.text, /<h2>Twitter<\/h2>[\s\S]*Sign in with Twitter[\s\S]*<p class="field-error" role="alert">Twitter refused the sign-in \(HTTP 401\)/);
  assert.equal((await api(s, 'GET', 'integrations/twitter')).json.integration.screen_name, 'pharos_status', 'the connected account is kept');
  assert.equal(w.twitter.forged.length, 0);
});

test('Sign in with Twitter: the connecting page reloads itself, then gives up after 30 s', async () => {
  // Rows leased by a dispatcher that never answers (a node that died mid-call).
  const row = (age) => {
    const now = Math.floor(Date.now() / 1000);
    dbSql(s, `INSERT INTO oauth_requests (page_id, callback, lease_until, created_at, updated_at)
      SELECT page_id, callback, ${now + 3600}, ${now - age}, ${now - age} FROM oauth_requests LIMIT 1`);
    return Number(dbSql(s, 'SELECT MAX(id) FROM oauth_requests').trim());
  };
  const waiting = await con.get(`/admin/integrations/twitter/connecting?id=${row(0)}`);
  assert.equal(waiting.status, 200);
  assert.match(waiting.text, /<meta http-equiv="refresh" content="1">/);
  assert.match(waiting.text, /Contacting Twitter…/);
  assert.match(waiting.text, /class="topbar"/, 'in the console layout');
  assert.doesNotMatch(waiting.text, /<script>/, 'no inline script');
  const late = await con.get(`/admin/integrations/twitter/connecting?id=${row(31)}`);
  assert.equal(late.status, 502);
  assert.match(late.text, /<p class="field-error" role="alert">Twitter did not answer in time/);
  assert.equal((await con.get('/admin/integrations/twitter/connecting?id=999999')).status, 404);
  assert.equal((await con.get('/admin/integrations/twitter/connecting?id=x')).status, 404);
});

test('incident: investigating → identified → monitoring → resolved follows the matrix', async () => {
  let c = counts();
  const created = await api(s, 'POST', 'incidents', { body: { title: 'Elevated errors', message: 'We are *investigating*.', impact: 'major', services: [{ id: svc.id, status: 'major_outage' }] } });
  assert.equal(created.status, 201);
  let ev = created.json.incident;
  await expectChannels(ev, ALL, 'investigating');
  assertGrew(c, ALL);
  for (const stage of ['identified', 'monitoring']) {
    c = counts();
    ev = (await api(s, 'POST', `incidents/${ev.id}/updates`, { body: { stage, message: `Now ${stage}.` } })).json.incident;
    await expectChannels(ev, NO_SMS, stage);
    assertGrew(c, NO_SMS);
  }
  c = counts();
  ev = (await api(s, 'POST', `incidents/${ev.id}/updates`, { body: { stage: 'resolved', message: 'Fixed.' } })).json.incident;
  await expectChannels(ev, ALL, 'resolved');
  assertGrew(c, ALL);
  assert.equal(w.smtp.byRecipient('ann@example.test').at(-1).headers.subject, '[Status] Resolved: Elevated errors');
  assert.match(w.twilio.messages.at(-1).body, /^\[Status\] Resolved: Elevated errors \(\d+ \w{3} \d\d:\d\d UTC\) http:\/\/\S+\/incidents\/\d+$/);
});

test('an incident created in a later stage notifies SMS as a creation', async () => {
  const c = counts();
  const ev = (await api(s, 'POST', 'incidents', { body: { title: 'Found it', message: 'Cause known.', stage: 'identified', services: [svc.id] } })).json.incident;
  await expectChannels(ev, ALL, 'created identified');
  assertGrew(c, ALL);
});

test('maintenance: scheduled → in progress → verification → complete follows the matrix', async () => {
  const start = new Date(Date.now() + 3600e3).toISOString().replace(/\.\d+Z$/, 'Z');
  const end = new Date(Date.now() + 7200e3).toISOString().replace(/\.\d+Z$/, 'Z');
  let c = counts();
  const r = await api(s, 'POST', 'maintenance', { body: { title: 'Database upgrade', message: 'Planned.', scheduled_start: start, scheduled_end: end, services: [svc.id], auto_start: false, auto_complete: false } });
  assert.equal(r.status, 201, r.text);
  let ev = r.json.maintenance;
  await expectChannels(ev, ALL, 'scheduled');
  assertGrew(c, ALL);
  for (const [stage, channels] of [['in_progress', ALL], ['verification', NO_SMS], ['complete', ALL]]) {
    c = counts();
    const u = await api(s, 'POST', `maintenance/${ev.id}/updates`, { body: { stage, message: `Now ${stage}.` } });
    assert.equal(u.status, 201, u.text);
    ev = u.json.maintenance;
    await expectChannels(ev, channels, stage);
    assertGrew(c, channels);
  }
  assert.match(w.slack.messages.at(-1).text, /^\[Status\] Complete: Database upgrade$/);
});

test('a postmortem goes to e-mail, Slack and the webhook, not SMS nor Twitter, and is no public update', async () => {
  const ev = (await api(s, 'POST', 'incidents', { body: { title: 'Queue backlog', message: 'Slow jobs.', services: [svc.id], notify: false } })).json.incident;
  await api(s, 'POST', `incidents/${ev.id}/updates`, { body: { stage: 'resolved', message: 'Drained.', notify: false } });
  const text = '## What happened\n\nA consumer **stalled** for 20 minutes.';
  assert.equal((await api(s, 'PATCH', `incidents/${ev.id}`, { body: { postmortem: text } })).status, 200);
  const c = counts();
  const r = await api(s, 'POST', `incidents/${ev.id}/postmortem`);
  assert.equal(r.status, 200, r.text);
  const pm = r.json.incident.updates.at(-1);
  assert.equal(pm.kind, 'postmortem');
  const ds = await settled(s, pm.id);
  assert.deepEqual([...new Set(ds.map((d) => d.channel))].sort(), ['email', 'slack', 'webhook']);
  for (const d of ds) assert.equal(d.state, 'sent', `${d.channel} ${d.last_error}`);
  assertGrew(c, ['email', 'slack', 'webhook']);
  const mail = w.smtp.byRecipient('ann@example.test').at(-1);
  assert.equal(mail.headers.subject, '[Status] Postmortem: Queue backlog');
  assert.match(mail.text, /A consumer \*?\*?stalled/);
  assert.match(mail.html, /<strong>stalled<\/strong>/);
  assert.equal(w.slack.messages.at(-1).text, '[Status] Postmortem: Queue backlog');
  assert.equal(w.webhook.events.at(-1).update.kind, 'postmortem');
  assert.equal(w.webhook.events.at(-1).update.message, text);
  // on the incident's public page, under its own heading; not among its updates
  const page = await request(s, 'GET', `/incidents/${ev.id}`);
  assert.match(page.text, /<h2 id="postmortem-title">Postmortem<\/h2>\s*<div class="md"><h2>What happened<\/h2>/);
  assert.doesNotMatch(page.text, /<strong class="update-stage">Postmortem/);
  const sp = (await request(s, 'GET', '/api/v2/incidents.json')).json.incidents.find((x) => x.id === String(ev.id));
  assert.equal(sp.incident_updates.length, 2);
});

test('notify:false notifies nobody', async () => {
  const c = counts();
  const ev = (await api(s, 'POST', 'incidents', { body: { title: 'Quiet one', message: 'Shh.', notify: false, services: [svc.id] } })).json.incident;
  const u = (await api(s, 'POST', `incidents/${ev.id}/updates`, { body: { stage: 'resolved', message: 'Done.', notify: false } })).json.incident;
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(dbSql(s, `SELECT COUNT(*) FROM deliveries d JOIN event_updates u ON u.id = d.update_id WHERE u.event_id = ${u.id}`).trim(), '0');
  assertGrew(c, []);
});

test('wire formats: e-mail headers and parts, SMS ≤ 160 GSM-7 with the link, tweets ≤ 280, Slack blocks, signed webhook', async () => {
  const title = 'Ünïcode “quotes” — and a very long title that goes on and on about the outage of the primary database cluster in region one';
  const message = `# Details\n\n${'The **database** is down. '.repeat(400)}\n\nSee https://example.com/a/very/long/link/${'x'.repeat(60)}`;
  const c = counts();
  const ev = (await api(s, 'POST', 'incidents', { body: { title, message, services: [svc.id] } })).json.incident;
  await expectChannels(ev, ALL, 'long');
  assertGrew(c, ALL);
  const url = `${s.url}/incidents/${ev.id}`;

  const mail = w.smtp.byRecipient('ann@example.test').at(-1);
  assert.equal(mail.headers.subject, `[Status] Investigating: ${title}`);
  assert.equal(mail.from, 'status@example.test');
  assert.match(mail.headers['content-type'], /^multipart\/alternative; boundary=/);
  assert.match(mail.headers['message-id'], new RegExp(`^<pharos\\.u${lastUpdate(ev)}\\.s\\d+@example\\.test>$`));
  assert.match(mail.headers.date, /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
  assert.equal(mail.headers['auto-submitted'], 'auto-generated');
  assert.match(mail.headers['list-unsubscribe'], /^<http:\/\/127\.0\.0\.1:\d+\/unsubscribe\/m\d+-[\w-]+>$/);
  assert.equal(mail.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
  assert.ok(!/[\r\n]/.test(mail.raw.split('\r\n\r\n')[0].replace(/\r\n[ \t]/g, '').split('\r\n').join('')), 'headers well formed');
  assert.match(mail.html, /<h1>Details<\/h1>/);
  assert.match(mail.html, /<strong>database<\/strong>/);
  assert.ok(mail.text.includes(url));

  const sms = w.twilio.messages.at(-1);
  assert.equal(sms.to, '+14155550101');
  assert.ok(gsmUnits(sms.body) <= 160, `${gsmUnits(sms.body)}: ${sms.body}`);
  assert.ok(sms.body.endsWith(' ' + url), sms.body);
  assert.match(sms.body, /^\[Status\] Investigating: Ünicode "quotes" - and a very long/);
  assert.match(sms.body, /\.\.\. \(\d+ \w{3} \d\d:\d\d UTC\) http/, 'title shortened, the time kept');

  const tweet = w.twitter.tweets.at(-1).text;
  assert.ok(tweetLength(tweet) <= 280, `${tweetLength(tweet)}`);
  assert.ok(tweetLength(tweet) >= 270, `uses the room: ${tweetLength(tweet)}`);
  assert.ok(tweet.startsWith(`Investigating: ${title}`));
  assert.ok(tweet.endsWith(' ' + url));

  const slack = w.slack.messages.at(-1);
  assert.equal(slack.text, `[Status] Investigating: ${title}`);
  assert.match(slack.blocks[0].text.text, new RegExp(`<${url}\\|`));
  assert.equal(slack.blocks.at(-1).type, 'context');

  const hook = w.webhook.events.at(-1);
  assert.equal(hook.event.id, ev.id);
  assert.equal(hook.event.kind, 'incident');
  assert.equal(hook.event.title, title);
  assert.equal(hook.event.url, url);
  assert.deepEqual(hook.event.services.map((x) => x.id), [svc.id]);
  assert.equal(hook.update.stage, 'investigating');
  assert.equal(hook.update.message, message);
  assert.match(hook.delivery, /^\d+$/);
  assert.equal(w.webhook.forged.length, 0);
});

test('Slack: title and message escaped everywhere Slack reads text, a long multi-byte message cut on a character', async () => {
  const title = '<!channel> <https://evil.test|Re-login> & co';
  // 4,000 characters: one byte, then 2-byte é, then 4-byte emoji (2 UTF-16 units), so a cut
  // by bytes lands inside a character and a cut by code points overshoots Slack's count
  const message = `1 < 2 & 3 > 2: ${'é'.repeat(1985)}${'🙂'.repeat(2000)}`;
  const ev = await newIncident(s, { title, message, services: [svc.id] });
  await expectChannels(ev, ALL, 'escaped');
  assert.deepEqual(w.slack.invalid, [], 'Slack accepted every payload');
  const m = w.slack.messages.at(-1);
  const safe = '&lt;!channel&gt; &lt;https://evil.test|Re-login&gt; &amp; co';
  assert.equal(m.text, `[Status] Investigating: ${safe}`);
  assert.equal(m.blocks.length, 3, 'head, body and context sections');
  const [head, body, context] = m.blocks;
  assert.equal(head.text.type, 'mrkdwn');
  assert.equal(head.text.text.split('\n')[0], `*<${s.url}/incidents/${ev.id}|${safe}>*`);
  assert.equal(body.type, 'section');
  assert.ok(body.text.text.startsWith('1 &lt; 2 &amp; 3 &gt; 2: éé'), body.text.text.slice(0, 40));
  assert.ok(body.text.text.endsWith('🙂…'), body.text.text.slice(-10));
  assert.ok(body.text.text.length <= 3000 && body.text.text.length >= 2990, `${body.text.text.length}`);
  assert.ok(body.text.text.isWellFormed());
  assert.equal(context.type, 'context');
  for (const t of [m.text, ...m.blocks.flatMap((b) => (b.text ? [b.text.text] : b.elements.map((e) => e.text)))]) {
    assert.ok(!/<!|<https:\/\/evil/.test(t), `unescaped: ${t.slice(0, 80)}`);
  }
});

test('the Slack fake refuses what Slack refuses: a section over 3,000 characters, invalid UTF-8', async () => {
  const post = async (body) => (await fetch(w.slack.url, { method: 'POST', body })).text();
  const section = (text) => JSON.stringify({ text: 'x', blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
  assert.equal(await post(section('é'.repeat(3001))), 'invalid_blocks');
  assert.equal(await post(section('🙂'.repeat(1501))), 'invalid_blocks');
  assert.equal(await post(Buffer.concat([Buffer.from('{"text":"a'), Buffer.from([0xc3]), Buffer.from('","blocks":[]}')])), 'invalid_payload');
  assert.equal(await post(JSON.stringify({ text: 'x', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] })), 'invalid_blocks');
  assert.equal(await post(section('é'.repeat(3000))), 'ok');
  w.slack.messages.pop();
  w.slack.invalid.length = 0;
});

test('the notification log shows every delivery; /metrics has latency histograms and SLA misses', async () => {
  const r = await api(s, 'GET', 'deliveries?channel=sms&state=sent');
  assert.equal(r.status, 200);
  assert.ok(r.json.deliveries.length >= 5);
  const m = await request(s, 'GET', '/metrics');
  assert.match(m.text, /pharos_notify_latency_seconds_bucket\{channel="email",le="[^"]+"\} \d+/);
  assert.match(m.text, /pharos_notify_latency_seconds_count\{channel="sms"\} [1-9]/);
  assert.match(m.text, /pharos_notify_sla_misses_total\{channel="email"\} 0/);
  // pharos_delivery_*: from the database, so every node reports the same
  const smsSent = Number(dbSql(s, "SELECT COUNT(*) FROM deliveries WHERE channel = 'sms' AND kind = 'update' AND state = 'sent'").trim());
  assert.match(m.text, /# TYPE pharos_delivery_latency_seconds summary\n/);
  assert.match(m.text, new RegExp(`\\npharos_delivery_latency_seconds_count\\{page="default",channel="sms"\\} ${smsSent}\\n`));
  assert.match(m.text, /\npharos_delivery_latency_seconds\{page="default",channel="email",quantile="0\.95"\} \d+\n/);
  assert.match(m.text, /\npharos_delivery_sla_seconds\{page="default",channel="email"\} 300\n/);
  assert.match(m.text, /\npharos_delivery_late_24h\{page="default",channel="sms"\} 0\n/);
  assert.match(m.text, /\npharos_delivery_pending\{page="default"\} \d+\n/);
  for (const line of m.text.trim().split('\n'))
    assert.match(line, /^(# (HELP|TYPE) \w+ .+|[a-z_][a-z0-9_]*(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? -?[\d.e+]+)$/, line);
  // the dashboard's figures come from the same rows: as many sent, times for people
  const dash = await con.get('/admin');
  const row = new RegExp('<tr data-channel="sms"><th scope="row">SMS</th><td class="num">(\\d+)</td><td class="num">([^<]+)</td><td class="num">([^<]+)</td><td class="num">([^<]+)</td><td class="num">2 min</td>').exec(dash.text);
  assert.ok(row, 'the SMS row of the dashboard');
  const sent = Number(dbSql(s, "SELECT COUNT(*) FROM deliveries WHERE channel = 'sms' AND state = 'sent'").trim());
  assert.equal(Number(row[1]), sent);
  for (const t of row.slice(2)) assert.match(t, /^(under 1 s|\d+ s|\d+ min( \d+ s)?)$/, t);
});
