// bench/30_fanout — see 30_fanout.sh. Fan-out of one incident update to E-mail
// subscribers (a local SMTP sink that only counts) and SMS subscribers (the local
// Twilio fake), timing the publishing API call with 10 and with all subscribers.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { startWithToken, api } from '../tests/e2e/lib/harness.mjs';
import { startTwilio } from '../tests/e2e/fakes/twilio.mjs';

const EMAILS = Number(process.env.FANOUT_EMAILS || 100000);
const SMS = Number(process.env.FANOUT_SMS || 10000);
const log = (...a) => console.error('[30_fanout]', ...a);

let mails = 0;
const sink = new SMTPServer({
  disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true, logger: false, disableReverseLookup: true,
  onData(stream, session, cb) { stream.on('data', () => {}); stream.on('end', () => { mails += session.envelope.rcptTo.length; cb(); }); },
});
await new Promise((r) => sink.listen(0, '127.0.0.1', r));
const smtpPort = sink.server.address().port;
const twilio = await startTwilio();

const s = await startWithToken({
  threads: 2,
  env: {
    PHAROS_SECURITY_ALLOW_PRIVATE_TARGETS: 'true', PHAROS_EMAIL_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    PHAROS_EMAIL_FROM: 'status@bench.test', PHAROS_NOTIFY_CONCURRENCY: process.env.FANOUT_CONCURRENCY || '64', ...twilio.env,
  },
});
const sql = (q) => {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 10000', path.join(s.dataDir, 'pharos.db'), q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
};
const rss = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${s.proc.pid}/status`, 'utf8'))[1]) / 1024;
const addSubscribers = (channel, n, fmt) => sql(`INSERT INTO subscribers (page_id, channel, address, state, all_services, created_at, updated_at, confirmed_at)
  WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ${n}) SELECT 1, '${channel}', ${fmt}, 'active', 1, 0, 0, 0 FROM n`);
async function publish(title) {
  const t = process.hrtime.bigint();
  const r = await api(s, 'POST', 'incidents', { body: { title, message: 'Investigating **errors** on the API.', services: [svc.id] } });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 201) throw new Error(`publish: ${r.status} ${r.text}`);
  return { ms, id: r.json.incident.id };
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
async function until(pred, limitMs) {
  const end = Date.now() + limitMs;
  while (!pred()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

const svc = (await api(s, 'POST', 'services', { body: { name: 'API' } })).json.service;
let status = 0;
try {
  // 10 subscribers: the publishing call's cost with a small audience
  addSubscribers('email', 10, "'small' || x || '@bench.test'");
  const small = [];
  for (let i = 0; i < 5; i++) {
    small.push((await publish(`Small ${i}`)).ms);
    await until(() => mails >= 10 * (i + 1), 30000);
  }
  sql("UPDATE subscribers SET state = 'unsubscribed'");
  log(`publish with 10 subscribers: median ${median(small).toFixed(1)} ms`);
  const base = mails;

  addSubscribers('email', EMAILS, "'bench' || x || '@bench.test'");
  addSubscribers('sms', SMS, "'+1415' || printf('%07d', x)");
  // the sqlite3 CLI's bulk insert left a large WAL: checkpoint it and make one small write,
  // so the publish below measures the call itself, as with 10 subscribers
  sql('PRAGMA wal_checkpoint(TRUNCATE)');
  await api(s, 'POST', 'services', { body: { name: 'Warm-up' } });
  log(`${EMAILS} e-mail and ${SMS} SMS subscribers inserted; publishing`);
  const t0 = Date.now();
  const big = await publish('Big fan-out');
  let tMail = 0;
  let tSms = 0;
  const done = await until(() => {
    if (!tMail && mails - base >= EMAILS) tMail = Date.now() - t0;
    if (!tSms && twilio.messages.length >= SMS) tSms = Date.now() - t0;
    return tMail && tSms;
  }, 280000);
  const peak = rss();
  const failed = Number(sql("SELECT COUNT(*) FROM deliveries WHERE state IN ('failed', 'dead')"));
  log(`e-mail: ${mails - base}/${EMAILS} in ${tMail} ms; SMS: ${twilio.messages.length}/${SMS} in ${tSms} ms; publish ${big.ms.toFixed(1)} ms; RSS ${peak.toFixed(0)} MiB`);
  const row = (run, rate, result) => console.log(['30_fanout', run, rate, '-', '-', String(failed), result].join('\t'));
  const mailS = tMail / 1000;
  const smsS = tSms / 1000;
  row(`publish API, 10 subscribers`, '-', `${median(small).toFixed(1)} ms (median of 5)`);
  row(`publish API, ${EMAILS + SMS} subscribers`, '-', `${big.ms.toFixed(1)} ms`);
  row(`e-mail to ${EMAILS}`, tMail ? (EMAILS / mailS).toFixed(0) : '-', tMail ? `last accepted after ${mailS.toFixed(1)} s (SLA 300 s: ${mailS <= 300 ? 'met' : 'MISSED'})` : 'INCOMPLETE');
  row(`SMS to ${SMS}`, tSms ? (SMS / smsS).toFixed(0) : '-', tSms ? `last accepted after ${smsS.toFixed(1)} s (SLA 120 s: ${smsS <= 120 ? 'met' : 'MISSED'})` : 'INCOMPLETE');
  row('server peak RSS', '-', `${peak.toFixed(0)} MiB`);
  console.log(`# 30_fanout: req/s column = messages accepted per second by the sink / Twilio fake; the publish call (one transaction writing the update and one outbox job) must not grow with subscribers: ${median(small).toFixed(1)} ms vs ${big.ms.toFixed(1)} ms`);
  if (!done || failed || mailS > 300 || smsS > 120) status = 1;
} finally {
  await s.stop();
  s.cleanup();
  await twilio.close();
  await new Promise((r) => sink.close(r));
}
process.exit(status);
