// Storm control (SPEC §15) end to end against the real SMTP sink and the Twilio fake:
// ten services set down by ten incidents within a few seconds reach each e-mail subscriber
// of all of them as ONE message listing the ten (notify.coalesce_s 5), well inside the
// 5-minute promise, with the usual links and headers, the other nine deliveries of each
// recorded as coalesced into it — in the API's log, the console's log, the subscriber's
// export, the dashboard's "saved by coalescing" and /metrics; a subscriber of one service
// gets that one update as a plain message. With notify.coalesce_s 0 each subscriber gets
// ten. notify.sms_daily_cap 3: the fake Twilio gets exactly three texts, every other one is
// recorded "skipped" with the reason, and the next update's texts are all skipped.
// Crash: kill -9 with coalesced e-mails in flight, and after their leases run out the
// restarted server sends the same messages (same Message-ID) listing the same updates.
// Several nodes (PostgreSQL): two dispatchers share a storm and every update reaches every
// subscriber exactly once, listed in one message or another.
// Runs on both backends.
import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ON_PG, api, request, cli, tempDir, startServer, startWithToken, pgName, dbSql as dbOf, dropDb } from './lib/harness.mjs';
import { startSmtp } from './fakes/smtp.mjs';
import { stopClean, dbSql } from './lib/admin.mjs';
import { startWorld, stopWorld, newService, newIncident, settled, sleep } from './lib/notify.mjs';
import { Console } from './admin_console.mjs';

let w;
afterEach(async () => { if (w) { await stopClean(w.s); await stopWorld(w); w = null; } });

const count = (sql) => Number(dbSql(w.s, sql).trim());
const ALL = ['ann@example.test', 'bob@example.test', 'cyd@example.test'];
const ONE = 'dee@example.test'; // chose the first service only

// Ten services, three subscribers of all of them and one of the first, then ten incidents
// (one a service) posted back to back. Returns {services, incidents, accepted (ms)}.
async function storm() {
  const services = [];
  for (let i = 1; i <= 10; i++) services.push(await newService(w.s, `Service ${i}`));
  for (const a of ALL)
    dbSql(w.s, `INSERT INTO subscribers (page_id, channel, address, state, all_services, created_at, updated_at, confirmed_at) VALUES (1, 'email', '${a}', 'active', 1, 0, 0, 0)`);
  dbSql(w.s, `INSERT INTO subscribers (page_id, channel, address, state, all_services, created_at, updated_at, confirmed_at) VALUES (1, 'email', '${ONE}', 'active', 0, 0, 0, 0)`);
  dbSql(w.s, `INSERT INTO subscriber_services (subscriber_id, service_id) SELECT id, ${services[0].id} FROM subscribers WHERE address = '${ONE}'`);
  const accepted = Date.now();
  const incidents = [];
  for (let i = 0; i < 10; i++)
    incidents.push(await newIncident(w.s, { title: `Outage ${i + 1}`, message: `Service ${i + 1} is down.`, services: [services[i].id], impact: 'major' }));
  return { services, incidents, accepted };
}

test('ten incidents within seconds: one e-mail each listing the ten (coalesce_s 5)', async () => {
  w = await startWorld({ env: { PHAROS_NOTIFY_COALESCE_S: '5' } });
  const { incidents, accepted } = await storm();
  const posted = Date.now() - accepted;
  assert.ok(posted < 5000, `the ten incidents took ${posted} ms to post`);
  for (const inc of incidents) await settled(w.s, inc.updates[0].id, 60000);
  await sleep(1500); // nothing more comes
  for (const a of ALL) {
    const got = w.smtp.byRecipient(a);
    assert.equal(got.length, 1, `${a} got ${got.length} messages: ${got.map((m) => m.headers.subject).join(' / ')}`);
    const [m] = got;
    assert.equal(m.headers.subject, '[Status] 10 updates');
    assert.ok(m.at - accepted < 5 * 60 * 1000, 'inside the 5-minute promise');
    assert.ok(m.at - accepted >= 4000, `held for coalesce_s: sent ${m.at - accepted} ms after the first`);
    assert.match(m.headers['message-id'], /^<pharos\.d\d+@example\.test>$/);
    assert.match(m.headers['list-unsubscribe'], /^<http:\/\/127\.0\.0\.1:\d+\/unsubscribe\/[^>]+>$/);
    assert.equal(m.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
    assert.equal(m.headers['auto-submitted'], 'auto-generated');
    // each update: its title, stage, message, time and link, in the order they were posted
    let at = -1;
    for (let i = 0; i < 10; i++) {
      const k = m.text.indexOf(`Investigating: Outage ${i + 1}\n`);
      assert.ok(k > at, `update ${i + 1} listed in order:\n${m.text}`);
      at = k;
      assert.match(m.text, new RegExp(`Service ${i + 1} is down\\.`));
      assert.ok(m.text.includes(`/incidents/${incidents[i].id}`), `link to incident ${i + 1}`);
      assert.ok(m.html.includes(`Outage ${i + 1}</a>`), 'in the HTML part too');
    }
    assert.equal((m.text.match(/^Posted: /mg) || []).length, 10, 'each update shows its time');
    assert.match(m.text, /Unsubscribe: http:\/\/\S+\/unsubscribe\//);
    assert.match(m.text, /Choose services: http:\/\/\S+\/subscription\//);
  }
  // its HTML part is valid (the W3C Nu checker, as html_valid.test.mjs checks the others)
  const dir = mkdtempSync(path.join(tmpdir(), 'pharos-vnu-'));
  try {
    const file = path.join(dir, 'digest.html');
    writeFileSync(file, w.smtp.byRecipient(ALL[0])[0].html);
    const vnu = createRequire(import.meta.url).resolve('vnu-jar/build/dist/vnu.jar');
    const r = spawnSync('java', ['-jar', vnu, '--format', 'json', '--errors-only', '--stdout', file], { encoding: 'utf8', timeout: 120000 });
    assert.ok(!r.error, `java: ${r.error}`);
    const errors = JSON.parse(r.stdout).messages.filter((x) => x.type === 'error' || x.type === 'non-document-error');
    assert.deepEqual(errors, []);
  } finally { rmSync(dir, { recursive: true, force: true }); }
  const dee = w.smtp.byRecipient(ONE);
  assert.equal(dee.length, 1);
  assert.equal(dee[0].headers.subject, '[Status] Investigating: Outage 1', 'one update: the plain message');
  assert.match(dee[0].headers['message-id'], /^<pharos\.u\d+\.s\d+@example\.test>$/);

  // every delivery accounted for: per subscriber one sent, nine coalesced into it
  for (const a of ALL) {
    assert.equal(count(`SELECT COUNT(*) FROM deliveries WHERE recipient = '${a}' AND state = 'sent'`), 1);
    assert.equal(count(`SELECT COUNT(*) FROM deliveries d WHERE recipient = '${a}' AND state = 'coalesced' AND coalesced_into = (SELECT id FROM deliveries WHERE recipient = '${a}' AND state = 'sent')`), 9);
  }
  assert.equal(count(`SELECT COUNT(*) FROM deliveries WHERE state NOT IN ('sent', 'coalesced')`), 0);
  const log = (await api(w.s, 'GET', 'deliveries?state=coalesced&limit=100')).json.deliveries;
  assert.equal(log.length, 27);
  for (const d of log) assert.ok(Number.isInteger(d.coalesced_into) && d.coalesced_into > 0, JSON.stringify(d));
  const sub = (await api(w.s, 'GET', 'subscribers?limit=100')).json.subscribers.find((x) => x.address === ALL[0]);
  const x = (await api(w.s, 'GET', `subscribers/${sub.id}/export`)).json;
  assert.deepEqual(x.deliveries.map((d) => d.state).sort(), ['coalesced', ...Array(8).fill('coalesced'), 'sent'].sort());
  assert.equal(new Set(x.deliveries.map((d) => d.update_id)).size, 10, 'the export lists the ten updates');

  const metrics = (await request(w.s, 'GET', '/metrics')).text;
  assert.match(metrics, /^pharos_delivery_coalesced_24h\{page="default"\} 27$/m);
  assert.match(metrics, /^pharos_delivery_skipped_24h\{page="default"\} 0$/m);
  assert.match(metrics, /^# TYPE pharos_delivery_coalesced_24h gauge$/m);
  const con = new Console(w.s);
  await con.setup('owner@example.test', 'correct horse battery');
  const dash = await con.get('/admin');
  assert.match(dash.text, /<div class="kpi" data-kpi="coalesced"><span class="kpi-num">27<\/span>/);
  const page = await con.get('/admin/deliveries?state=coalesced');
  assert.equal(page.status, 200);
  assert.equal((page.text.match(/data-coalesced-into="\d+"/g) || []).length, 27);
});

test('coalesce_s 0: ten incidents, ten e-mails each, as before', async () => {
  w = await startWorld({ env: { PHAROS_NOTIFY_COALESCE_S: '0' } });
  const { incidents } = await storm();
  for (const inc of incidents) await settled(w.s, inc.updates[0].id, 60000);
  await sleep(500);
  for (const a of ALL) {
    const subjects = w.smtp.byRecipient(a).map((m) => m.headers.subject).sort();
    assert.deepEqual(subjects, Array.from({ length: 10 }, (_, i) => `[Status] Investigating: Outage ${i + 1}`).sort());
  }
  assert.equal(w.smtp.byRecipient(ONE).length, 1);
  assert.equal(count(`SELECT COUNT(*) FROM deliveries WHERE state <> 'sent'`), 0);
  assert.match((await request(w.s, 'GET', '/metrics')).text, /^pharos_delivery_coalesced_24h\{page="default"\} 0$/m);
});

test('notify.sms_daily_cap 3: three texts go out, the rest are recorded skipped with the reason', async () => {
  w = await startWorld({ env: { PHAROS_NOTIFY_SMS_DAILY_CAP: '3' } });
  const svc = await newService(w.s, 'API');
  dbSql(w.s, `INSERT INTO subscribers (page_id, channel, address, state, all_services, created_at, updated_at, confirmed_at)
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5)
    SELECT 1, 'sms', '+1555000000' || x, 'active', 1, 0, 0, 0 FROM n`);
  const first = await newIncident(w.s, { title: 'Down', services: [svc.id] });
  const ds = await settled(w.s, first.updates[0].id);
  assert.equal(ds.filter((d) => d.state === 'sent').length, 3);
  const skipped = ds.filter((d) => d.state === 'skipped');
  assert.equal(skipped.length, 2);
  for (const d of skipped) assert.equal(d.last_error, 'not sent: daily SMS cap of 3 reached');
  assert.equal(w.twilio.messages.length, 3, 'the fake Twilio got exactly the cap');
  // the day's cap is reached: the next update's texts are all skipped, and not retried
  const r = await api(w.s, 'POST', `incidents/${first.id}/updates`, { body: { stage: 'resolved', message: 'Fixed.' } });
  assert.ok(r.status === 200 || r.status === 201, r.text);
  const upd = r.json.incident.updates.reduce((a, b) => (a.id > b.id ? a : b));
  const again = await settled(w.s, upd.id);
  assert.deepEqual(again.map((d) => d.state), Array(5).fill('skipped'));
  await sleep(1500);
  assert.equal(w.twilio.messages.length, 3);
  const log = (await api(w.s, 'GET', 'deliveries?state=skipped&channel=sms')).json.deliveries;
  assert.equal(log.length, 7);
  assert.ok(log.every((d) => d.last_error === 'not sent: daily SMS cap of 3 reached'));
  const metrics = (await request(w.s, 'GET', '/metrics')).text;
  assert.match(metrics, /^pharos_delivery_skipped_24h\{page="default"\} 7$/m);
  assert.match(metrics, /^pharos_delivery_late_24h\{page="default",channel="sms"\} 0$/m, 'a skipped text is no SLA miss');
  const con = new Console(w.s);
  await con.setup('owner@example.test', 'correct horse battery');
  assert.match((await con.get('/admin')).text, /<div class="kpi" data-kpi="skipped"><span class="kpi-num">7<\/span>/);
  const page = await con.get('/admin/deliveries?state=skipped');
  assert.equal((page.text.match(/daily SMS cap of 3 reached/g) || []).length, 7);
});

// The updates a message lists, by incident title ("Outage N"), in order.
const listed = (m) => [...m.text.matchAll(/^Investigating: (Outage \d+)$/mg)].map((x) => x[1]);

test('kill -9 with coalesced e-mails in flight: after the lease the same messages go out, listing the same updates', async () => {
  // the first relay holds every message for a minute: the claims are in flight when pharos dies
  w = await startWorld({ smtpDelayMs: 60000, env: { PHAROS_NOTIFY_COALESCE_S: '2', PHAROS_NOTIFY_LEASE_S: '5' } });
  const services = [];
  for (let i = 1; i <= 5; i++) services.push(await newService(w.s, `Service ${i}`));
  dbSql(w.s, `INSERT INTO subscribers (page_id, channel, address, state, all_services, created_at, updated_at, confirmed_at)
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 20)
    SELECT 1, 'email', 'crash' || x || '@example.test', 'active', 1, 0, 0, 0 FROM n`);
  for (let i = 0; i < 5; i++) await newIncident(w.s, { title: `Outage ${i + 1}`, services: [services[i].id] });
  const end = Date.now() + 30000;
  while (count("SELECT COUNT(*) FROM deliveries WHERE state = 'sending'") < 20) {
    assert.ok(Date.now() < end, 'the 20 messages were claimed');
    await sleep(100);
  }
  assert.equal(count("SELECT COUNT(*) FROM deliveries WHERE state = 'coalesced'"), 80);
  const leaders = dbSql(w.s, "SELECT recipient || ' ' || id FROM deliveries WHERE state = 'sending'").trim().split('\n');
  await w.s.kill9();
  const relay = await startSmtp();
  try {
    w.s = await startWithToken({ dataDir: w.s.dataDir, env: { ...w.env, PHAROS_EMAIL_SMTP_URL: relay.url } });
    await relay.waitFor((m) => m.length >= 20, 60000, 'the 20 messages again');
    await sleep(1000);
    assert.equal(relay.messages.length, 20, 'one message a subscriber, no more');
    for (const line of leaders) {
      const [to, id] = line.split(' ');
      const [m] = relay.byRecipient(to);
      assert.equal(m.headers['message-id'], `<pharos.d${id}@example.test>`, 'the same message as before the crash');
      assert.equal(m.headers.subject, '[Status] 5 updates');
      assert.deepEqual(listed(m), ['Outage 1', 'Outage 2', 'Outage 3', 'Outage 4', 'Outage 5']);
    }
    assert.equal(count("SELECT COUNT(*) FROM deliveries WHERE state = 'sent' AND attempts = 2"), 20);
    assert.equal(count("SELECT COUNT(*) FROM deliveries WHERE state = 'coalesced' AND sent_at IS NOT NULL"), 80);
  } finally { await relay.stop(); }
});

describe('two nodes on one database share a storm', { skip: ON_PG ? false : 'several nodes need PostgreSQL' }, () => {
  test('every update reaches every subscriber once, in one message or another; both nodes send', async (t) => {
    const smtp = await startSmtp({ delayMs: 5 });
    const home = tempDir('pharos-storm-nodes-');
    const key = randomBytes(32);
    writeFileSync(path.join(home, 'secret.key'), key, { mode: 0o600 });
    const tok = cli(['token', 'create', '--name', 'e2e'], { dataDir: home });
    assert.equal(tok.code, 0, tok.stderr);
    const nodes = [];
    try {
      for (const id of ['a', 'b']) {
        const dir = tempDir(`pharos-storm-${id}-`);
        writeFileSync(path.join(dir, 'secret.key'), key, { mode: 0o600 });
        const s = await startServer({ dataDir: dir, env: {
          PHAROS_STORAGE_DATABASE: `postgresql:///${pgName(home)}`, PHAROS_SERVER_NODE_ID: id,
          PHAROS_NOTIFY_COALESCE_S: '3', PHAROS_NOTIFY_CONCURRENCY: '8', PHAROS_EMAIL_SMTP_URL: smtp.url,
          PHAROS_EMAIL_FROM: 'status@example.test' } });
        s.token = tok.stdout.trim();
        nodes.push(s);
      }
      const [a, b] = nodes;
      const N = 300;
      const services = [];
      for (let i = 1; i <= 10; i++) services.push((await api(a, 'POST', 'services', { body: { name: `Service ${i}` } })).json.service);
      dbOf({ dataDir: home }, `INSERT INTO subscribers (page_id, channel, address, state, all_services, created_at, updated_at, confirmed_at)
        SELECT 1, 'email', 'node' || x || '@example.test', 'active', 1, 0, 0, 0 FROM generate_series(1, ${N}) AS x`);
      for (let i = 0; i < 10; i++) {
        const r = await api(i % 2 ? b : a, 'POST', 'incidents', { body: { title: `Outage ${i + 1}`, message: 'Down.', services: [services[i].id] } });
        assert.equal(r.status, 201, r.text);
      }
      const q = (sql) => Number(dbOf({ dataDir: home }, sql).trim());
      const end = Date.now() + 120000;
      while (q("SELECT (SELECT COUNT(*) FROM notify_jobs WHERE state = 'pending') + (SELECT COUNT(*) FROM deliveries WHERE state IN ('pending', 'sending'))") > 0) {
        assert.ok(Date.now() < end, 'the storm settled');
        await sleep(200);
      }
      await sleep(500);
      assert.equal(q("SELECT COUNT(*) FROM deliveries WHERE state NOT IN ('sent', 'coalesced')"), 0);
      const per = new Map();
      for (const m of smtp.messages) per.set(m.to[0], [...(per.get(m.to[0]) || []), ...listed(m)]);
      assert.equal(per.size, N, 'every subscriber got mail');
      const all = Array.from({ length: 10 }, (_, i) => `Outage ${i + 1}`);
      for (const [to, got] of per) assert.deepEqual([...got].sort(), [...all].sort(), `${to}: each update once`);
      assert.equal(smtp.messages.length, q("SELECT COUNT(*) FROM deliveries WHERE state = 'sent'"), 'a message per sent delivery');
      assert.ok(smtp.messages.length < 2 * N, `coalesced: ${smtp.messages.length} messages for ${10 * N} updates`);
      t.diagnostic(`${smtp.messages.length} messages for ${N} subscribers and ${10 * N} updates`);
      assert.equal(q("SELECT COUNT(DISTINCT claimed_by) FROM deliveries WHERE state = 'sent'"), 2, 'both nodes sent');
    } finally {
      for (const s of nodes) await stopClean(s);
      await smtp.stop();
      dropDb(home);
      rmSync(home, { recursive: true, force: true });
    }
  });
});
