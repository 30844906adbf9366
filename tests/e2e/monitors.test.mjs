// Monitors (SPEC §14) against local targets: an HTTP server that flips between 200, 500,
// a missing keyword and a slow answer, a closed port, a name that resolves from
// /etc/hosts and one that does not (monitors.nameservers names a local DNS server that
// knows no name, so no lookup leaves this machine), and TLS servers with certificates made here by openssl (a CA pharos trusts
// through SSL_CERT_FILE): one valid for 30 days, one expiring in 3, one expired. Each check is made due by the test (next_check_at in the past) and runs on
// the server's prober within its one-second tick, so nothing waits for a 10 s interval.
// Checked: the service's status moves after exactly failures_before failures and back
// after successes_before successes, audited as the monitor; each failure says why;
// "publish" opens an incident that notifies subscribers (the real SMTP sink) and resolves
// it on recovery; "draft" opens a draft the public does not see and that e-mails nobody,
// resolved quietly on recovery, and once published from the API it e-mails its
// subscribers, its resolution too; bad input is refused with a reason and creates
// nothing; results list newest first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import path from 'node:path';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { api, request, tempDir, startServer } from './lib/harness.mjs';
import { dbSql, stopClean, assertError } from './lib/admin.mjs';
import { until } from './lib/events.mjs';
import { startWorld, stopWorld, newService, subscribeEmail, sleep } from './lib/notify.mjs';
import { startDns } from './fakes/dns.mjs';

let w;
let target;
let mode = 'ok';
let targetUrl;
let closedPort;
let dns;
const dir = tempDir('pharos-e2e-monitors-');
const tlsServers = {};

const openssl = (...args) => {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
};
// A certificate for localhost signed by the test CA, valid DAYS days (negative: expired).
function leaf(name, days) {
  const f = (x) => path.join(dir, `${name}.${x}`);
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', f('key'), '-out', f('csr'));
  writeFileSync(f('ext'), 'subjectAltName=DNS:localhost\n');
  openssl('x509', '-req', '-in', f('csr'), '-CA', path.join(dir, 'ca.crt'), '-CAkey', path.join(dir, 'ca.key'),
    '-CAcreateserial', '-days', String(days), '-extfile', f('ext'), '-out', f('crt'));
  return { key: readFileSync(f('key')), cert: readFileSync(f('crt')) };
}

before(async () => {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=pharos test CA',
    '-keyout', path.join(dir, 'ca.key'), '-out', path.join(dir, 'ca.crt'));
  for (const [name, days] of [['good', 30], ['soon', 3], ['expired', -1]]) {
    const srv = tls.createServer(leaf(name, days), (sock) => sock.end());
    await new Promise((r) => srv.listen(0, '127.0.0.1', r));
    tlsServers[name] = srv;
  }
  target = http.createServer((req, res) => {
    if (mode === 'error') { res.writeHead(500); res.end('down'); return; }
    if (mode === 'slow') { setTimeout(() => { res.writeHead(200); res.end('all good, late'); }, 2500); return; }
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(mode === 'nokeyword' ? 'something else' : 'status: all good');
  });
  await new Promise((r) => target.listen(0, '127.0.0.1', r));
  targetUrl = `http://127.0.0.1:${target.address().port}/health`;
  // a port that was just free and is closed again: connections to it are refused
  const probe = net.createServer();
  await new Promise((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = probe.address().port;
  await new Promise((r) => probe.close(r));
  dns = await startDns({ silent: ['silent.example.test'] });
  w = await startWorld({ env: { SSL_CERT_FILE: path.join(dir, 'ca.crt'), PHAROS_MONITORS_NAMESERVERS: dns.address } });
});

after(async () => {
  if (w) { await stopClean(w.s); await stopWorld(w); }
  target.closeAllConnections();
  await new Promise((r) => target.close(r));
  for (const srv of Object.values(tlsServers)) await new Promise((r) => srv.close(r));
  if (dns) await dns.close();
  rmSync(dir, { recursive: true, force: true });
});

const results = async (id, q = '') => (await api(w.s, 'GET', `monitors/${id}/results${q}`)).json;
const count = (id) => Number(dbSql(w.s, `SELECT COUNT(*) FROM monitor_results WHERE monitor_id = ${id}`).trim());
const statusOf = async (id) => (await api(w.s, 'GET', `services/${id}`)).json.service.status;

// Makes monitor ID due now and waits for its check's result (the newest).
async function check(id) {
  const n = count(id);
  dbSql(w.s, `UPDATE monitors SET next_check_at = 0 WHERE id = ${id}`);
  await until(() => count(id) > n, { timeout: 10000, what: `a check of monitor ${id}` });
  return (await results(id, '?limit=1')).results[0];
}

async function newMonitor(body) {
  const r = await api(w.s, 'POST', 'monitors', { body: { interval_s: 3600, ...body } });
  assert.equal(r.status, 201, r.text);
  return r.json.monitor;
}

test('an http monitor moves its service after exactly the thresholds, audited as itself', async () => {
  const svc = await newService(w.s, 'API');
  const m = await newMonitor({ service_id: svc.id, kind: 'http', target: targetUrl, keyword: 'all good',
    timeout_ms: 1000, failures_before: 2, successes_before: 2 });
  assert.equal(m.state, 'unknown');
  mode = 'ok';
  let r = await check(m.id);
  assert.equal(r.ok, true);
  assert.ok(Number.isInteger(r.latency_ms) && r.latency_ms >= 0);
  assert.equal((await api(w.s, 'GET', `monitors/${m.id}`)).json.monitor.state, 'up');

  mode = 'error';
  r = await check(m.id);
  assert.equal(r.ok, false);
  assert.equal(r.error, 'HTTP 500 (expected 200-399)');
  assert.equal(await statusOf(svc.id), 'operational', 'one failure of two changes nothing');
  await check(m.id);
  assert.equal(await statusOf(svc.id), 'major_outage');
  const got = (await api(w.s, 'GET', `monitors/${m.id}`)).json.monitor;
  assert.equal(got.state, 'down');
  assert.equal(got.last_error, 'HTTP 500 (expected 200-399)');
  assert.match(dbSql(w.s, `SELECT actor || ' ' || detail FROM audit_log WHERE action = 'service.status' AND object_id = ${svc.id}`), new RegExp(`^monitor:${m.id} major_outage`));

  mode = 'nokeyword';
  r = await check(m.id);
  assert.equal(r.error, 'the keyword is not in the response');
  mode = 'slow';
  r = await check(m.id);
  assert.equal(r.error, 'timed out');
  assert.ok(r.latency_ms >= 900 && r.latency_ms < 2500, `timed out after ${r.latency_ms} ms`);

  mode = 'ok';
  await check(m.id);
  assert.equal(await statusOf(svc.id), 'major_outage', 'one success of two changes nothing');
  await check(m.id);
  assert.equal(await statusOf(svc.id), 'operational');
  const all = (await results(m.id)).results;
  assert.equal(all.length, 7);
  assert.ok(all[0].id > all[6].id, 'newest first');
  assert.deepEqual(all.map((x) => x.ok), [true, true, false, false, false, false, true]);
  assert.equal((await results(m.id, `?since=${new Date(Date.now() + 3600e3).toISOString().replace(/\.\d+Z/, 'Z')}`)).results.length, 0);
});

test('tcp and dns monitors: a closed port and an unknown name fail, a listening port and a known name pass', async () => {
  const svc = await newService(w.s, 'Database');
  const open = await newMonitor({ service_id: svc.id, kind: 'tcp', target: `localhost:${target.address().port}` });
  const closed = await newMonitor({ service_id: svc.id, kind: 'tcp', target: `127.0.0.1:${closedPort}`, failures_before: 1 });
  const name = await newMonitor({ service_id: svc.id, kind: 'dns', target: 'localhost' });
  assert.equal((await check(open.id)).ok, true);
  assert.equal((await check(name.id)).ok, true);
  const r = await check(closed.id);
  assert.equal(r.ok, false);
  assert.match(r.error, /^cannot connect: Connection refused/);
  assert.equal(await statusOf(svc.id), 'major_outage');
  assert.equal(dns.asked.length, 0, 'localhost comes from /etc/hosts');
  const nowhere = await newMonitor({ service_id: svc.id, kind: 'dns', target: 'nowhere.example.test' });
  const miss = await check(nowhere.id);
  assert.equal(miss.ok, false);
  assert.match(miss.error, /^the name does not resolve: /);
  assert.ok(dns.asked.some((q) => q.name === 'nowhere.example.test'), 'asked the configured server');
  // a resolver that never answers: the check times out (its lookup cancelled), then again
  const mute = await newMonitor({ service_id: svc.id, kind: 'tcp', target: 'silent.example.test:80', timeout_ms: 700 });
  for (let i = 0; i < 2; i++) {
    const t = await check(mute.id);
    assert.equal(t.error, 'timed out: no answer within 700 ms');
    assert.ok(t.latency_ms >= 650 && t.latency_ms < 2500, `timed out after ${t.latency_ms} ms`);
  }
  assert.equal(dns.malformed, 0);
});

test('tls monitors: a valid certificate passes, one expiring within tls_warn_days degrades, an expired one fails', async () => {
  const svc = await newService(w.s, 'Web');
  const port = (n) => tlsServers[n].address().port;
  const good = await newMonitor({ service_id: svc.id, kind: 'tls', target: `localhost:${port('good')}`, failures_before: 1 });
  assert.equal((await check(good.id)).ok, true);
  const soon = await newMonitor({ service_id: svc.id, kind: 'tls', target: `localhost:${port('soon')}`, failures_before: 1, successes_before: 1 });
  let r = await check(soon.id);
  assert.equal(r.ok, false);
  assert.match(r.error, /^the certificate expires: in 2 days \(\d{4}-\d\d-\d\dT[\d:]+Z\), within the 14 days warned of$/);
  assert.equal(await statusOf(svc.id), 'degraded_performance');
  // warned of one day ahead only, the same certificate passes: the service recovers
  await api(w.s, 'PATCH', `monitors/${soon.id}`, { body: { tls_warn_days: 1 } });
  r = await check(soon.id);
  assert.equal(r.ok, true);
  assert.equal(await statusOf(svc.id), 'operational');
  const expired = await newMonitor({ service_id: svc.id, kind: 'tls', target: `localhost:${port('expired')}`, failures_before: 1 });
  r = await check(expired.id);
  assert.equal(r.error, 'the certificate is refused: certificate has expired');
  assert.equal(await statusOf(svc.id), 'major_outage');
  const wrongName = await newMonitor({ service_id: svc.id, kind: 'tls', target: `127.0.0.1:${port('good')}`, failures_before: 1 });
  assert.match((await check(wrongName.id)).error, /^the certificate is refused: IP address mismatch$/);
});

test('"publish" opens an incident that notifies subscribers, and resolves it on recovery', async () => {
  const svc = await newService(w.s, 'Checkout');
  await subscribeEmail(w, 'watcher@example.test');
  const m = await newMonitor({ service_id: svc.id, kind: 'http', target: targetUrl, name: 'Checkout API',
    failures_before: 1, successes_before: 1, incident: 'publish', status_on_failure: 'partial_outage' });
  mode = 'error';
  await check(m.id);
  const open = await until(async () => (await api(w.s, 'GET', 'incidents')).json.incidents.find((i) => i.title === 'Checkout API is not responding'),
    { what: 'the incident' });
  assert.equal(open.stage, 'investigating');
  assert.deepEqual(open.services, [{ id: svc.id, status: 'partial_outage' }]);
  assert.equal(open.updates[0].message, 'HTTP 500 (expected 200-399)');
  assert.equal(await statusOf(svc.id), 'partial_outage');
  await w.smtp.waitFor((ms) => ms.some((x) => x.to.includes('watcher@example.test') && /Checkout API is not responding/.test(x.headers.subject)), 20000, 'the incident e-mail');
  mode = 'ok';
  await check(m.id);
  const done = await until(async () => {
    const i = (await api(w.s, 'GET', `incidents/${open.id}`)).json.incident;
    return i.stage === 'resolved' && i;
  }, { what: 'the resolution' });
  assert.equal(done.updates.at(-1).message, 'Checkout API is responding again.');
  assert.equal(await statusOf(svc.id), 'operational');
  assert.match(dbSql(w.s, `SELECT GROUP_CONCAT(DISTINCT actor) FROM audit_log WHERE action LIKE 'incident.%' AND object_id = ${open.id}`), new RegExp(`monitor:${m.id}`));
});

test('"draft" leaves a draft nobody sees or hears of; published from the API, it notifies', async () => {
  const svc = await newService(w.s, 'Ledger');
  const reader = 'ledger-reader@example.test';
  await subscribeEmail(w, reader);
  const title = 'Ledger API is not responding';
  const mails = () => w.smtp.byRecipient(reader).filter((x) => x.headers.subject.includes(title));
  const m = await newMonitor({ service_id: svc.id, kind: 'http', target: targetUrl, name: 'Ledger API',
    failures_before: 1, successes_before: 1, incident: 'draft', status_on_failure: 'partial_outage' });
  assert.equal(m.incident, 'draft');
  const incidentOf = (not) => until(async () => (await api(w.s, 'GET', 'incidents?limit=500')).json.incidents
    .find((i) => i.title === title && i.id !== not), { what: 'the draft incident' });
  const unseen = async (id) => {
    assert.doesNotMatch((await request(w.s, 'GET', '/')).text, new RegExp(`data-event-id="${id}"`));
    assert.equal((await request(w.s, 'GET', `/incidents/${id}`)).status, 404);
    assert.ok(!(await request(w.s, 'GET', '/api/v2/incidents.json')).text.includes(title));
  };

  // down, then up before anyone published it: resolved quietly
  mode = 'error';
  await check(m.id);
  const first = await incidentOf(0);
  assert.equal(first.draft, true);
  assert.deepEqual(first.services, [{ id: svc.id, status: 'partial_outage' }]);
  assert.equal(await statusOf(svc.id), 'partial_outage', 'the draft holds the service');
  await unseen(first.id);
  mode = 'ok';
  await check(m.id);
  const quiet = await until(async () => {
    const i = (await api(w.s, 'GET', `incidents/${first.id}`)).json.incident;
    return i.stage === 'resolved' && i;
  }, { what: 'the quiet resolution' });
  assert.equal(quiet.draft, true);
  assert.equal(await statusOf(svc.id), 'operational');
  await unseen(first.id);

  // down again: a new draft, published from the API; its e-mail, then its resolution's
  mode = 'error';
  await check(m.id);
  const second = await incidentOf(first.id);
  assert.equal(second.draft, true);
  assert.equal(dbSql(w.s, `SELECT COUNT(*) FROM notify_jobs j JOIN event_updates u ON u.id = j.update_id
    WHERE u.event_id IN (${first.id}, ${second.id})`).trim(), '0');
  await sleep(1500);
  assert.deepEqual(mails(), [], 'no e-mail of a draft');
  const pub = await api(w.s, 'POST', `incidents/${second.id}/publish`);
  assert.equal(pub.status, 200, pub.text);
  assert.equal(pub.json.incident.draft, false);
  assert.match((await request(w.s, 'GET', '/')).text, new RegExp(`data-event-id="${second.id}"`));
  assert.equal((await request(w.s, 'GET', `/incidents/${second.id}`)).status, 200);
  await w.smtp.waitFor(() => mails().length > 0, 20000, 'the published incident\'s e-mail');
  assert.match(mails()[0].headers.subject, /Investigating: Ledger API is not responding/);
  mode = 'ok';
  await check(m.id);
  await w.smtp.waitFor(() => mails().some((x) => /Resolved/.test(x.headers.subject)), 20000, 'the resolution\'s e-mail');
  assert.equal(mails().length, 2, 'the publication and the resolution, nothing of the first draft');
  assert.equal(await statusOf(svc.id), 'operational');
  assert.match(dbSql(w.s, `SELECT actor FROM audit_log WHERE action = 'incident.create' AND object_id = ${second.id}`),
    new RegExp(`monitor:${m.id}`));
});

test('bad monitors are refused with a reason and create nothing', async () => {
  const svc = await newService(w.s, 'Search');
  const monitors = () => dbSql(w.s, 'SELECT COUNT(*) FROM monitors').trim();
  const before = monitors();
  const cases = [
    [{ kind: 'http', target: 'ftp://example.com/' }, /target: an http monitor's target is an http:\/\/ or https:\/\/ URL/],
    [{ kind: 'tcp', target: 'example.com' }, /target: a tcp monitor's target is HOST:PORT/],
    [{ kind: 'icmp', target: 'example.com' }, /kind/],
    [{ kind: 'http', target: targetUrl, interval_s: 5 }, /interval_s must be a whole number from 10/],
    [{ kind: 'http', target: targetUrl, interval_s: 10, timeout_ms: 10000 }, /timeout_ms must be shorter than interval_s/],
    [{ kind: 'http', target: targetUrl, expect_status: '2xx' }, /expect_status/],
    [{ kind: 'http', target: targetUrl, incident: 'later' }, /unknown incident "later"; accepted: none, draft, publish/],
    [{ kind: 'http', target: targetUrl, service_id: 424242 }, /service_id 424242 is not a service of this page/],
  ];
  for (const [body, re] of cases) {
    const r = await api(w.s, 'POST', 'monitors', { body: { service_id: svc.id, ...body } });
    assertError(r, 400, 'invalid_input', re);
  }
  assert.equal(monitors(), before);
  assertError(await api(w.s, 'GET', 'monitors/999999'), 404, 'not_found', /no monitor with id 999999/);
});

test('a monitors.nameservers entry that is no address stops the server, saying so', async () => {
  await assert.rejects(startServer({ env: { PHAROS_MONITORS_NAMESERVERS: '127.0.0.1:53, resolver.example' } }),
    /\[monitors\] nameservers takes IP or IP:PORT entries separated by commas, not "resolver\.example"/);
});
