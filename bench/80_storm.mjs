// bench/80_storm — see 80_storm.sh. A storm of incidents to 100,000 e-mail subscribers,
// with and without coalescing (notify.coalesce_s), into a sink that only counts.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { startServer, cli, tempDir, api } from '../tests/e2e/lib/harness.mjs';

const EMAILS = Number(process.env.STORM_EMAILS || 100000);
const INCIDENTS = Number(process.env.STORM_INCIDENTS || 20);
const SPREAD_S = Number(process.env.STORM_SPREAD_S || 10);
const COALESCE_S = String(process.env.STORM_COALESCE_S || 30);
const WAIT_S = Number(process.env.STORM_WAIT_S || 180);
const RUNS = (process.env.STORM_RUNS || 'on off').split(/\s+/).filter(Boolean);
const NAME = '80_storm';
const log = (...a) => console.error(`[${NAME}]`, ...a);

// the sink: messages per recipient (benchN@) in a typed array, and when the last came
let mails = 0;
let bytes = 0;
let lastAt = 0;
let perRecipient = new Uint16Array(EMAILS + 1);
const sink = new SMTPServer({
  disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true, logger: false, disableReverseLookup: true,
  onData(stream, session, cb) {
    stream.on('data', (d) => { bytes += d.length; });
    stream.on('end', () => {
      for (const r of session.envelope.rcptTo) {
        const m = /^bench(\d+)@/.exec(r.address);
        if (m && Number(m[1]) <= EMAILS) perRecipient[Number(m[1])]++;
      }
      mails += session.envelope.rcptTo.length;
      lastAt = Date.now();
      cb();
    });
  },
});
await new Promise((r) => sink.listen(0, '127.0.0.1', r));
const smtpPort = sink.server.address().port;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]; };

// One run on a fresh server with notify.coalesce_s CO. Returns its figures.
async function run(co) {
  mails = 0;
  bytes = 0;
  lastAt = 0;
  perRecipient = new Uint16Array(EMAILS + 1);
  const dataDir = tempDir('pharos-bench-storm-');
  const env = {
    PHAROS_EMAIL_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, PHAROS_EMAIL_FROM: 'status@bench.test',
    PHAROS_NOTIFY_COALESCE_S: co,
  };
  const tok = cli(['token', 'create', '--name', 'bench'], { dataDir, env });
  if (tok.code !== 0) throw new Error(tok.stderr);
  const s = await startServer({ dataDir, threads: 2, env });
  s.token = tok.stdout.trim();
  const sql = (q) => {
    const r = spawnSync('sqlite3', ['-cmd', '.timeout 20000', path.join(dataDir, 'pharos.db'), q], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout.trim();
  };
  try {
    const services = [];
    for (let i = 0; i < INCIDENTS; i++) services.push((await api(s, 'POST', 'services', { body: { name: `Service ${i + 1}` } })).json.service);
    sql(`INSERT INTO subscribers (page_id, channel, address, state, all_services, created_at, updated_at, confirmed_at)
         WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ${EMAILS})
         SELECT 1, 'email', 'bench' || x || '@bench.test', 'active', 1, 0, 0, 0 FROM n`);
    sql('PRAGMA wal_checkpoint(TRUNCATE)');
    await api(s, 'POST', 'services', { body: { name: 'Warm-up' } });
    log(`coalesce_s ${co}: ${EMAILS} subscribers; ${INCIDENTS} incidents over ${SPREAD_S} s`);
    const t0 = Date.now();
    const sinkCpu0 = process.cpuUsage();
    const publish = [];
    for (let i = 0; i < INCIDENTS; i++) {
      const due = t0 + (i * SPREAD_S * 1000) / INCIDENTS;
      if (Date.now() < due) await sleep(due - Date.now());
      const t = process.hrtime.bigint();
      const r = await api(s, 'POST', 'incidents', { body: { title: `Outage ${i + 1}`, message: `Service ${i + 1} is **down**.`, services: [services[i].id] } });
      publish.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (r.status !== 201) throw new Error(`publish: ${r.status} ${r.text}`);
    }
    const opened = (Date.now() - t0) / 1000;
    // done when no job nor delivery is left open (every delivery sent, coalesced or failed)
    const end = t0 + WAIT_S * 1000;
    let open = 1;
    while (Date.now() < end) {
      await sleep(1000);
      open = Number(sql("SELECT (SELECT COUNT(*) FROM notify_jobs WHERE state = 'pending') + (SELECT COUNT(*) FROM deliveries WHERE state IN ('pending', 'sending'))"));
      if (open === 0) break;
    }
    await sleep(500); // the sink's last answers
    // the server's CPU seconds (user + system, all threads): /proc/PID/stat fields 14 and 15
    const f = readFileSync(`/proc/${s.proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const cpuS = (Number(f[11]) + Number(f[12])) / 100;
    const sinkCpu = process.cpuUsage(sinkCpu0);
    const states = Object.fromEntries(sql("SELECT state, COUNT(*) FROM deliveries GROUP BY state").split('\n').filter(Boolean).map((l) => l.split('|')).map(([k, v]) => [k, Number(v)]));
    let multi = 0;
    let none = 0;
    for (let i = 1; i <= EMAILS; i++) { if (perRecipient[i] > 1) multi++; if (!perRecipient[i]) none++; }
    const lastS = lastAt ? (lastAt - t0) / 1000 : 0;
    return { co, complete: open === 0, mails, bytes, multi, none, lastS, opened, publish, states, cpuS,
      sinkCpuS: (sinkCpu.user + sinkCpu.system) / 1e6 };
  } finally {
    await s.stop();
    s.cleanup();
  }
}

let status = 0;
const rows = [];
try {
  for (const which of RUNS) {
    const r = await run(which === 'on' ? COALESCE_S : '0');
    log(JSON.stringify({ ...r, publish: undefined }));
    const failed = (r.states.failed || 0) + (r.states.dead || 0);
    const expected = EMAILS * INCIDENTS;
    const label = r.co === '0' ? 'without coalescing (coalesce_s 0)' : `coalescing (coalesce_s ${r.co})`;
    const slaOk = r.complete && r.lastS <= 300;
    const rate = r.lastS ? (r.mails / r.lastS).toFixed(0) : '-';
    rows.push([NAME, `${label}: messages`, rate, '-', '-', String(failed),
      `${r.mails} messages for ${expected} deliveries (${r.states.coalesced || 0} coalesced); ${r.multi} subscribers got more than one, ${r.none} none`]);
    rows.push([NAME, `${label}: last message`, '-', '-', '-', String(failed),
      r.complete ? `${r.lastS.toFixed(1)} s after the first incident (SLA 300 s: ${slaOk ? 'met' : 'MISSED'})`
        : `INCOMPLETE after ${WAIT_S} s: ${r.mails} of ${r.co === '0' ? expected : 'the'} messages sent, the last at ${r.lastS.toFixed(1)} s`]);
    rows.push([NAME, `${label}: CPU`, '-', '-', '-', '0',
      `server ${r.cpuS.toFixed(1)} s (all threads, setup included), sink process ${r.sinkCpuS.toFixed(1)} s, for ${(r.bytes / 1e6).toFixed(0)} MB of mail (${r.mails ? (r.bytes / r.mails / 1024).toFixed(1) : '-'} KiB a message)`]);
    rows.push([NAME, `${label}: POST incidents`, '-', pct(r.publish, 50).toFixed(1), pct(r.publish, 99).toFixed(1), '0',
      `${INCIDENTS} calls over ${r.opened.toFixed(1)} s (p99 of 20 = the slowest)`]);
    if (r.co !== '0' && (!slaOk || failed || r.none)) status = 1;
  }
  for (const row of rows) console.log(row.join('\t'));
  console.log(`# ${NAME}: req/s column = messages accepted per second by the sink (messages / time to the last one); one shared machine, noisy figures`);
} finally {
  await new Promise((r) => sink.close(r));
}
process.exit(status);
