// Alert webhooks (SPEC §14): a real Prometheus Alertmanager (Debian's
// prometheus-alertmanager, started here on loopback) with a webhook receiver pointing at
// pharos, fed alerts through its own API: firing sets the service's status and opens the
// source's incident (publish), resolved puts both back. Grafana's documented webhook
// payload and the generic shape are posted directly. A wrong secret is a 404, an alert
// naming no known service a 422 that changes nothing; the URL is shown once. A source
// whose incident rule is "draft" opens a draft nobody sees or is e-mailed about until it
// is published from the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';
import { api, request, tempDir } from './lib/harness.mjs';
import { dbSql, stopClean, assertError } from './lib/admin.mjs';
import { until } from './lib/events.mjs';
import { startWorld, stopWorld, newService, subscribeEmail, sleep } from './lib/notify.mjs';

let w;
let am;
let amPort;
const dir = tempDir('pharos-e2e-alertmanager-');

const freePort = () => new Promise((resolve) => {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
});
const statusOf = async (id) => (await api(w.s, 'GET', `services/${id}`)).json.service.status;

// Starts Alertmanager with one route to HOOK, grouping nothing away and waiting for nothing.
async function startAlertmanager(hook) {
  amPort = await freePort();
  const config = path.join(dir, 'alertmanager.yml');
  writeFileSync(config, [
    'route:', '  receiver: pharos', "  group_by: ['alertname']", '  group_wait: 0s',
    '  group_interval: 1s', '  repeat_interval: 1h',
    'receivers:', '  - name: pharos', '    webhook_configs:', `      - url: ${hook}`, '        send_resolved: true', '',
  ].join('\n'));
  am = spawn('prometheus-alertmanager', [`--config.file=${config}`, `--storage.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address='], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  am.stderr.on('data', (d) => { log += d; });
  await until(async () => {
    if (am.exitCode !== null) throw new Error(`alertmanager exited:\n${log}`);
    return new Promise((resolve) => {
      const c = net.connect(amPort, '127.0.0.1', () => { c.end(); resolve(true); });
      c.on('error', () => resolve(false));
    });
  }, { timeout: 15000, what: 'Alertmanager listening' });
}

// Posts ALERTS to Alertmanager's own API (as Prometheus would).
async function toAlertmanager(alerts) {
  const res = await fetch(`http://127.0.0.1:${amPort}/api/v2/alerts`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(alerts),
  });
  assert.equal(res.status, 200, await res.text());
}

before(async () => { w = await startWorld(); });
after(async () => {
  if (am) { am.kill('SIGTERM'); await new Promise((r) => (am.exitCode !== null ? r() : am.on('exit', r))); }
  if (w) { await stopClean(w.s); await stopWorld(w); }
  rmSync(dir, { recursive: true, force: true });
});

async function newSource(body) {
  const r = await api(w.s, 'POST', 'alert-sources', { body });
  assert.equal(r.status, 201, r.text);
  return r.json.alert_source;
}

test('a real Alertmanager drives the status and the incident, firing then resolved', async () => {
  const svc = await newService(w.s, 'Payments');
  const src = await newSource({ kind: 'alertmanager', name: 'prod', incident: 'publish' });
  assert.match(src.url, /^http:\/\/127\.0\.0\.1:\d+\/hooks\/alerts\/[A-Za-z0-9_-]{43}$/);
  const listed = (await api(w.s, 'GET', 'alert-sources')).json.alert_sources;
  assert.equal(listed.length, 1);
  assert.equal(listed[0].url, undefined, 'the URL is shown once');
  await startAlertmanager(src.url);
  const labels = { alertname: 'PaymentsErrors', pharos_service: 'Payments', severity: 'critical' };
  const annotations = { summary: 'Payments are failing', description: '5xx above 20% for 5 minutes' };
  await toAlertmanager([{ labels, annotations, startsAt: new Date().toISOString() }]);
  await until(async () => (await statusOf(svc.id)) === 'major_outage', { timeout: 20000, what: 'the firing alert' });
  const inc = await until(async () => (await api(w.s, 'GET', 'incidents')).json.incidents.find((i) => i.title === 'Payments are failing'),
    { what: 'the incident' });
  assert.equal(inc.updates[0].message, '5xx above 20% for 5 minutes');
  assert.deepEqual(inc.services, [{ id: svc.id, status: 'major_outage' }]);
  assert.match(dbSql(w.s, `SELECT actor FROM audit_log WHERE action = 'incident.create' AND object_id = ${inc.id}`), new RegExp(`^alert-source:${src.id}`));
  await toAlertmanager([{ labels, annotations, startsAt: new Date(Date.now() - 60000).toISOString(), endsAt: new Date(Date.now() - 1000).toISOString() }]);
  await until(async () => (await statusOf(svc.id)) === 'operational', { timeout: 20000, what: 'the resolved alert' });
  const done = (await api(w.s, 'GET', `incidents/${inc.id}`)).json.incident;
  assert.equal(done.stage, 'resolved');
  assert.equal(Number(dbSql(w.s, 'SELECT COUNT(*) FROM events').trim()), 1, 'one incident, however often Alertmanager repeats');
});

test("Grafana's webhook payload and the generic shape", async () => {
  const svc = await newService(w.s, 'Search');
  const grafana = await newSource({ kind: 'grafana', name: 'grafana' });
  const hook = new URL(grafana.url).pathname;
  const payload = (status) => ({
    receiver: 'pharos', status, orgId: 1,
    alerts: [{
      status, labels: { alertname: 'High latency', pharos_service: 'Search', severity: 'warning' },
      annotations: { summary: 'Search is slow' }, startsAt: '2026-12-07T09:51:03.157076+02:00', endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'https://grafana.example.test/alerting/1afz29v7z/edit', fingerprint: 'c6eadffa33fcdf37',
      silenceURL: 'https://grafana.example.test/alerting/silence/new', dashboardURL: '', panelURL: '', values: { B: 44.2, C: 1 },
    }],
    groupLabels: {}, commonLabels: { team: 'blue' }, commonAnnotations: {}, externalURL: 'https://grafana.example.test/',
    version: '1', groupKey: '{}:{}', truncatedAlerts: 0, title: '[FIRING:1]', state: 'alerting', message: '**Firing**',
  });
  let r = await request(w.s, 'POST', hook, { body: payload('firing') });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.applied, [{ fingerprint: 'c6eadffa33fcdf37', service_id: svc.id, state: 'firing', status: 'degraded_performance', change: 'raised' }]);
  r = await request(w.s, 'POST', hook, { body: payload('firing') });
  assert.equal(r.json.applied[0].change, 'unchanged');
  r = await request(w.s, 'POST', hook, { body: payload('resolved') });
  assert.equal(r.json.applied[0].change, 'released');
  assert.equal(await statusOf(svc.id), 'operational');

  const generic = new URL((await newSource({ kind: 'generic', name: 'script' })).url).pathname;
  r = await request(w.s, 'POST', generic, { body: { service: 'Search', status: 'partial', message: 'Index rebuild' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(await statusOf(svc.id), 'partial_outage');
  r = await request(w.s, 'POST', generic, { body: { service: svc.id, resolved: true } });
  assert.equal(await statusOf(svc.id), 'operational');
});

test('a wrong secret is a 404; an alert naming no known service is a 422 that changes nothing', async () => {
  const svc = await newService(w.s, 'Mail');
  const src = await newSource({ kind: 'alertmanager', name: 'staging' });
  const hook = new URL(src.url).pathname;
  const alert = (service) => ({ status: 'firing', labels: { alertname: 'X', pharos_service: service, severity: 'critical' } });
  assertError(await request(w.s, 'POST', hook.replace(/.{4}$/, 'AAAA'), { body: { version: '4', alerts: [alert('Mail')] } }), 404, 'not_found', /no alert source has this URL/);
  const before = dbSql(w.s, 'SELECT COUNT(*) FROM alerts');
  const r = await request(w.s, 'POST', hook, { body: { version: '4', status: 'firing', alerts: [alert('Mail'), alert('Calendar')] } });
  assertError(r, 422, 'unprocessable', /alert 2 names no service of this page: pharos_service "Calendar"/);
  assert.equal(await statusOf(svc.id), 'operational');
  assert.equal(dbSql(w.s, 'SELECT COUNT(*) FROM alerts'), before);
  assertError(await request(w.s, 'POST', hook, { body: { alerts: 'none' } }), 400, 'invalid_input', /alerts must be an array/);
  assertError(await api(w.s, 'POST', 'alert-sources', { body: { kind: 'zabbix', name: 'x' } }), 400, 'invalid_input', /kind/);
  assert.equal((await api(w.s, 'DELETE', `alert-sources/${src.id}`)).status, 204);
  assertError(await request(w.s, 'POST', hook, { body: { version: '4', alerts: [alert('Mail')] } }), 404, 'not_found');
});

test('a "draft" source opens a draft incident: unseen and unmailed until published', async () => {
  const svc = await newService(w.s, 'Billing');
  const reader = 'billing-reader@example.test';
  await subscribeEmail(w, reader);
  const src = await newSource({ kind: 'generic', name: 'cron', incident: 'draft' });
  assert.equal(src.incident, 'draft');
  const hook = new URL(src.url).pathname;
  const title = 'Invoices are late';
  const mails = () => w.smtp.byRecipient(reader).filter((x) => x.headers.subject.includes(title));
  const r = await request(w.s, 'POST', hook, { body: { service: 'Billing', status: 'degraded', message: title } });
  assert.equal(r.status, 200, r.text);
  const inc = await until(async () => (await api(w.s, 'GET', 'incidents?limit=500')).json.incidents.find((i) => i.title === title),
    { what: 'the draft incident' });
  assert.equal(inc.draft, true);
  assert.equal(await statusOf(svc.id), 'degraded_performance');
  assert.equal((await request(w.s, 'GET', `/incidents/${inc.id}`)).status, 404);
  assert.ok(!(await request(w.s, 'GET', '/api/v2/incidents.json')).text.includes(title));
  await sleep(1500);
  assert.deepEqual(mails(), [], 'no e-mail of a draft');
  const pub = await api(w.s, 'POST', `incidents/${inc.id}/publish`);
  assert.equal(pub.status, 200, pub.text);
  assert.equal((await request(w.s, 'GET', `/incidents/${inc.id}`)).status, 200);
  await w.smtp.waitFor(() => mails().length === 1, 20000, 'the published incident\'s e-mail');
  assert.equal((await request(w.s, 'POST', hook, { body: { service: 'Billing', resolved: true } })).status, 200);
  await w.smtp.waitFor(() => mails().some((x) => /Resolved/.test(x.headers.subject)), 20000, 'the resolution\'s e-mail');
  assert.equal((await api(w.s, 'GET', `incidents/${inc.id}`)).json.incident.stage, 'resolved');
  assert.equal(await statusOf(svc.id), 'operational');
});
