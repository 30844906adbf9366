// Microsoft Teams, Discord and Google Chat as page integrations (SPEC §10, §15), against
// fakes that check what each service checks (tests/e2e/fakes/{teams,discord,googlechat}.mjs):
// an incident reaches the three with its content and colour (an Adaptive Card 1.4, an embed
// within Discord's limits, a Chat text message); a title and message full of markup and
// mentions arrive as typed and act on nothing; a long message is cut to each service's
// limits; a Discord 429 is retried no sooner than its retry_after; a postmortem reaches
// them; the console configures them and shows them in its log, dashboard and /metrics;
// and with security.allow_private_targets false, a loopback webhook_url is refused when
// set and a delivery to one is refused when sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, request, startWithToken } from './lib/harness.mjs';
import { stopClean, dbSql } from './lib/admin.mjs';
import { startWorld, stopWorld, settled, newService, newIncident } from './lib/notify.mjs';
import { startTeams } from './fakes/teams.mjs';
import { startDiscord, LIMITS } from './fakes/discord.mjs';
import { startGoogleChat } from './fakes/googlechat.mjs';
import { Console } from './admin_console.mjs';

const CHATS = ['discord', 'googlechat', 'teams'];
let w;
let s;
let svc;
let teams;
let discord;
let gchat;

before(async () => {
  w = await startWorld();
  s = w.s;
  [teams, discord, gchat] = await Promise.all([startTeams(), startDiscord(), startGoogleChat()]);
  svc = await newService(s, 'API');
  for (const [kind, fake] of [['teams', teams], ['discord', discord], ['googlechat', gchat]]) {
    const r = await api(s, 'PUT', `integrations/${kind}`, { body: { enabled: true, webhook_url: fake.url } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual({ ...r.json.integration, updated_at: 'x' },
      { kind, enabled: true, configured: true, webhook_url_set: true, updated_at: 'x' });
    assert.ok(!r.text.includes(fake.url), 'the webhook URL is never returned');
  }
});
after(async () => {
  await stopClean(s);
  await Promise.all([stopWorld(w), teams.close(), discord.close(), gchat.close()]);
});

const unbackslash = (t) => t.replace(/\\([!-/:-@[-`{-~])/g, '$1');
const noFakeRefused = () => {
  assert.deepEqual(teams.invalid, [], 'Teams accepted every payload');
  assert.deepEqual(discord.invalid, [], 'Discord accepted every payload');
  assert.deepEqual(gchat.invalid, [], 'Google Chat accepted every payload');
};
async function sentToChats(updateId) {
  const ds = await settled(s, updateId);
  assert.deepEqual(ds.map((d) => d.channel).sort(), CHATS);
  for (const d of ds) assert.equal(d.state, 'sent', `${d.channel}: ${d.last_error}`);
  return Object.fromEntries(ds.map((d) => [d.channel, d]));
}

test('an incident reaches Teams, Discord and Google Chat with its content, coloured by impact', async () => {
  const ev = await newIncident(s, { title: 'Database outage', impact: 'critical', services: [svc.id], message: 'We are **looking** into it.' });
  await sentToChats(ev.updates[0].id);
  noFakeRefused();
  const eventUrl = new RegExp(`^http://[^/]+/incidents/${ev.id}$`);

  const card = teams.messages.at(-1).card;
  assert.equal(card.version, '1.4');
  assert.equal(card.$schema, 'http://adaptivecards.io/schemas/adaptive-card.json');
  const texts = card.body.map((b) => b.text);
  assert.equal(texts[0], 'Status');
  assert.equal(texts[1], 'Database outage');
  assert.equal(card.body[1].color, 'attention');
  assert.equal(texts[2], '**Investigating** · API');
  assert.equal(texts[3], 'We are looking into it.');
  assert.match(texts[4], /^Posted \w{3} \d+ \w{3} \d{4} \d\d:\d\d/);
  assert.equal(card.actions.length, 1);
  assert.equal(card.actions[0].type, 'Action.OpenUrl');
  assert.match(card.actions[0].url, eventUrl);

  const d = discord.messages.at(-1);
  assert.equal(d.content, '\\[Status\\] Investigating: Database outage', 'Markdown escaped');
  assert.deepEqual(d.allowed_mentions, { parse: [] });
  const e = d.embeds[0];
  assert.equal(e.title, 'Database outage');
  assert.match(e.url, eventUrl);
  assert.equal(e.color, 0xc81e1e);
  assert.equal(e.description, 'We are looking into it.');
  assert.deepEqual(e.fields, [{ name: 'Status', value: 'Investigating', inline: true }, { name: 'Services', value: 'API', inline: true }]);
  assert.match(e.footer.text, /^Status · Posted /);

  const g = gchat.messages.at(-1);
  assert.deepEqual(Object.keys(g).filter((k) => !['markup', 'at'].includes(k)), ['text'], 'a text message only');
  const lines = g.text.split('\n');
  assert.equal(lines[0], '🔴 *[Status] Investigating: Database outage*');
  assert.equal(lines[1], 'Services: API');
  assert.equal(lines[2], 'We are looking into it.');
  assert.match(lines[3], /^Posted /);
  assert.match(lines[4], eventUrl);
  assert.deepEqual(g.markup, { mentions: [], links: [], formatting: ['*[Status] Investigating: Database outage*'] });

  // resolved: green everywhere
  const r = await api(s, 'POST', `incidents/${ev.id}/updates`, { body: { stage: 'resolved', message: 'Fixed.' } });
  assert.equal(r.status, 201, r.text);
  await sentToChats(r.json.incident.updates.at(-1).id);
  assert.equal(teams.messages.at(-1).card.body[1].color, 'good');
  assert.equal(discord.messages.at(-1).embeds[0].color, 0x147a3a);
  assert.match(gchat.messages.at(-1).text, /^🟢 \*\[Status\] Resolved: Database outage\*/);
});

test('a title and message full of markup and mentions arrive as typed and act on nothing', async () => {
  const title = '@everyone <users/all> [Log in](https://evil.test) **now** <https://evil.test|here> _x_ {{DATE(2017-02-14T06:00:00Z)}} ~s~';
  const message = 'Hi <@123456> and <@&42> @here: *bold* `code`\n\n1. one\n- two\n# head';
  const ev = await newIncident(s, { title, message, impact: 'minor', services: [svc.id] });
  await sentToChats(ev.updates[0].id);
  noFakeRefused();

  const t = teams.messages.at(-1);
  assert.equal(unbackslash(t.card.body[1].text), title, 'the title shows as typed');
  assert.equal(t.card.body[1].color, 'warning');
  for (const i of [0, 1, 3, 4]) assert.deepEqual(t.rendered[i], { links: [], emphasis: [], functions: [] }, `TextBlock ${i}`);
  assert.deepEqual(t.rendered[2].emphasis, ['**Investigating**'], 'only the stage is bold');
  assert.deepEqual(t.card.actions.map((a) => a.url).length, 1);

  const d = discord.messages.at(-1);
  assert.deepEqual(d.pings, []);
  assert.deepEqual(d.mentions, [], 'no mention left unescaped, not even one allowed_mentions would stop');
  assert.deepEqual(d.links, []);
  assert.equal(unbackslash(d.embeds[0].title).replaceAll('\u200b', ''), title);
  assert.match(d.content, /@\u200beveryone/);
  assert.match(d.embeds[0].description, /\\<@123456\\> and \\<@&42\\> @\u200bhere/);

  const g = gchat.messages.at(-1);
  assert.deepEqual(g.markup.mentions, []);
  assert.deepEqual(g.markup.links, []);
  assert.deepEqual(g.markup.formatting, [g.text.split('\n')[0].slice(g.text.indexOf(' ') + 1)], 'only the heading is bold');
  assert.match(g.text, /‹users\/all› \[Log in\]\(https:\/\/evil\.test\) ∗∗now∗∗ ‹https:\/\/evil\.test\|here› ˍxˍ/);
});

test('a long title and message are cut to each service\'s limits', async () => {
  const title = '🙂'.repeat(200); // 400 UTF-16 units, past Discord's 256 for a title
  const message = '界*'.repeat(9000); // each "*" doubles when escaped
  const ev = await newIncident(s, { title, message, services: [svc.id] });
  await sentToChats(ev.updates[0].id);
  noFakeRefused();
  const e = discord.messages.at(-1).embeds[0];
  assert.ok(e.title.length <= LIMITS.title && e.title.endsWith('…') && e.title.isWellFormed());
  assert.ok(e.description.length <= LIMITS.description && e.description.endsWith('…'));
  assert.ok(!/\\…$/.test(e.description), 'never cut between a backslash and its character');
  assert.ok(teams.messages.at(-1).bytes <= 28 * 1024, `${teams.messages.at(-1).bytes} bytes`);
  assert.ok(gchat.messages.at(-1).text.length <= 4096);
  assert.match(gchat.messages.at(-1).text, /…\nPosted /, 'the message gives way; the time and link stay');
});

test('a Discord 429 is retried no sooner than its retry_after', async () => {
  discord.answerNext(429, { retryAfter: 4.5, header: false }); // only the JSON body says when (past any backoff)
  const before = discord.refused.length;
  const ev = await newIncident(s, { title: 'Rate limited', services: [svc.id] });
  const by = await sentToChats(ev.updates[0].id);
  assert.equal(discord.refused.length, before + 1);
  assert.equal(by.discord.attempts, 2);
  const refusedAt = discord.refused.at(-1).at;
  const sentAt = discord.messages.at(-1).at;
  assert.equal(discord.messages.at(-1).embeds[0].title, 'Rate limited');
  assert.ok(sentAt - refusedAt >= 4500, `retried after ${sentAt - refusedAt} ms`);
  assert.ok(sentAt - refusedAt < 15000, `retried after ${sentAt - refusedAt} ms`);
});

test('a postmortem reaches the chat integrations', async () => {
  const ev = (await api(s, 'POST', 'incidents', { body: { title: 'Queue backlog', message: 'Slow.', services: [svc.id], notify: false } })).json.incident;
  await api(s, 'POST', `incidents/${ev.id}/updates`, { body: { stage: 'resolved', message: 'Drained.', notify: false } });
  assert.equal((await api(s, 'PATCH', `incidents/${ev.id}`, { body: { postmortem: 'A consumer **stalled**.' } })).status, 200);
  const r = await api(s, 'POST', `incidents/${ev.id}/postmortem`);
  assert.equal(r.status, 200, r.text);
  await sentToChats(r.json.incident.updates.at(-1).id);
  assert.equal(unbackslash(discord.messages.at(-1).content), '[Status] Postmortem: Queue backlog');
  assert.equal(discord.messages.at(-1).embeds[0].description, 'A consumer stalled.');
  assert.match(gchat.messages.at(-1).text, /^🟢 \*\[Status\] Postmortem: Queue backlog\*/);
  assert.equal(teams.messages.at(-1).card.body[3].text, 'A consumer stalled.');
});

test('the console configures them and shows them in the log, the dashboard and /metrics', async () => {
  const con = new Console(s);
  await con.setup('owner@example.test', 'correct horse battery');
  const page = await con.get('/admin/integrations');
  for (const [kind, label] of [['teams', 'Microsoft Teams'], ['discord', 'Discord'], ['googlechat', 'Google Chat'], ['slack', 'Slack']]) {
    assert.match(page.text, new RegExp(`<h2>${label}</h2>`));
    assert.match(page.text, new RegExp(`action="/admin/integrations/${kind}"`));
    assert.match(page.text, new RegExp(`id="${kind}-url"`));
  }
  assert.ok(!page.text.includes(discord.url) && !page.text.includes('webhook-token_XYZ'), 'no webhook URL is shown');
  // an empty URL keeps the stored one; disabling and enabling from the form
  assert.equal((await con.post('/admin/integrations/googlechat', {})).status, 303);
  assert.equal((await api(s, 'GET', 'integrations/googlechat')).json.integration.enabled, false);
  assert.equal((await api(s, 'GET', 'integrations/googlechat')).json.integration.webhook_url_set, true);
  assert.equal((await con.post('/admin/integrations/googlechat', { enabled: '1' })).status, 303);
  assert.equal((await api(s, 'GET', 'integrations/googlechat')).json.integration.enabled, true);
  const bad = await con.post('/admin/integrations/discord', { webhook_url: 'ftp://discord.example/x', enabled: '1' });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /field-error/);

  const log = await con.get('/admin/deliveries?channel=discord');
  assert.equal(log.status, 200);
  assert.match(log.text, /<option value="discord" selected>Discord<\/option>/);
  assert.match(log.text, /<option value="googlechat">Google Chat<\/option>/);
  assert.match(log.text, /<td>discord<\/td><td class="small">discord<\/td><td><span class="badge state-sent">sent<\/span><\/td><td class="num">2<\/td>/,
    'the rate-limited delivery, sent at its second attempt');
  assert.doesNotMatch(log.text, /<td>(teams|googlechat)<\/td>/, 'the filter keeps Discord only');
  const dash = await con.get('/admin');
  for (const label of ['Microsoft Teams', 'Discord', 'Google Chat']) assert.match(dash.text, new RegExp(label));
  const m = await request(s, 'GET', '/metrics');
  assert.equal(m.status, 200);
  for (const c of CHATS) {
    assert.match(m.text, new RegExp(`pharos_delivery_latency_seconds_count\\{page="default",channel="${c}"\\} [1-9]`));
    assert.match(m.text, new RegExp(`pharos_notify_latency_seconds_count\\{channel="${c}"\\}`));
  }
});

test('with allow_private_targets false, loopback webhook URLs are refused when set and when sent', async () => {
  assert.equal((await s.stop()).code, 0);
  w.env = { ...w.env, PHAROS_SECURITY_ALLOW_PRIVATE_TARGETS: 'false' };
  s = w.s = await startWithToken({ dataDir: s.dataDir, env: w.env });
  for (const [kind, fake] of [['teams', teams], ['discord', discord], ['googlechat', gchat]]) {
    const r = await api(s, 'PUT', `integrations/${kind}`, { body: { enabled: true, webhook_url: fake.url } });
    assert.equal(r.status, 400, r.text);
    assert.match(r.json.error.message, /webhook_url points to a loopback, private or link-local address .*allow_private_targets/);
  }
  const counts = [teams, discord, gchat].map((f) => f.requests.length);
  const ev = await newIncident(s, { title: 'Private targets', services: [svc.id] });
  const ds = await settled(s, ev.updates[0].id);
  assert.deepEqual(ds.map((d) => d.channel).sort(), CHATS);
  for (const d of ds) {
    assert.equal(d.state, 'failed', d.channel);
    assert.equal(d.attempts, 1, `${d.channel}: not retried`);
    assert.match(d.last_error, /loopback or private address.*security\.allow_private_targets is false/);
  }
  assert.deepEqual([teams, discord, gchat].map((f) => f.requests.length), counts, 'nothing reached them');
  assert.equal(dbSql(s, "SELECT COUNT(*) FROM integrations WHERE enabled = 1 AND kind IN ('teams','discord','googlechat')").trim(), '3');
});
