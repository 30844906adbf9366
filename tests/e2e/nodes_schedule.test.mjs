// The schedulers of several nodes on one PostgreSQL database (SPEC §13; issue 12): three
// `pharos serve` processes on one database (lib/nodes.mjs, as in nodes.test.mjs, but a
// database of their own), each running its scheduler:
//   - a maintenance that starts itself sends exactly one "in progress" message per
//     subscriber, and is started (audited) once;
//   - a maintenance's reminder goes out as exactly one "Reminder" per subscriber, and is
//     recorded once.
// The two tests run side by side (the reminder is 40 s away by design); each one's
// subscribers follow only its own service, so neither sees the other's messages.
// Runs on PostgreSQL only (SQLite is one process by design); `make e2e` runs it there.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ON_PG, api } from './lib/harness.mjs';
import { until } from './lib/events.mjs';
import { startNodes, perRecipient } from './lib/nodes.mjs';

const skip = ON_PG ? false : 'several nodes need PostgreSQL (make e2e runs this suite on it)';
const at = (s) => new Date(Date.now() + s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

describe('three schedulers on one database', { skip, concurrency: true }, () => {
  let cluster, nodes, sql, subscribers, mailsTo;
  before(async () => {
    cluster = await startNodes();
    ({ nodes, sql, subscribers, mailsTo } = cluster);
  });
  after(async () => { if (cluster) await cluster.stop(); });

  test('a maintenance that starts itself, three schedulers running: one "in progress" message each', async () => {
    const N = 20;
    const svc = (await api(nodes.a, 'POST', 'services', { body: { name: 'Database' } })).json.service;
    subscribers('maint', N, svc.id);
    const m = await api(nodes.b, 'POST', 'maintenance', {
      body: { title: 'Failover drill', message: 'Planned.', scheduled_start: at(4), scheduled_end: at(3600), auto_start: true, auto_complete: true, services: [svc.id] },
    });
    assert.equal(m.status, 201, m.text);
    const id = m.json.maintenance.id;
    await until(async () => (await api(nodes.c, 'GET', `maintenance/${id}`)).json.maintenance.stage === 'in_progress', { timeout: 40000, what: 'the start' });
    await until(() => mailsTo('maint').length >= 2 * N, { timeout: 30000, what: 'scheduled and started messages' });
    await new Promise((r) => setTimeout(r, 3000)); // a second start by another node would be here now
    const started = mailsTo('maint').filter((x) => /progress/i.test(x.headers.subject));
    const per = perRecipient(started);
    assert.equal(per.size, N, 'every subscriber heard of the start');
    assert.deepEqual([...per.values()].filter((n) => n !== 1), [], 'exactly once each');
    const audit = sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'maintenance.auto_start' AND object_id = ${id}`).trim();
    assert.equal(audit, '1');
  });

  test('a maintenance reminder, three schedulers running: one "Reminder" per subscriber', async () => {
    const N = 20;
    const svc = (await api(nodes.a, 'POST', 'services', { body: { name: 'Storage' } })).json.service;
    subscribers('remind', N, svc.id);
    // reminder_min 60: due 40 s from now, so that every node's scheduler (a tick every 30 s)
    // has its timer on that second and all three race for it
    const m = await api(nodes.a, 'POST', 'maintenance', {
      body: { title: 'Storage swap', message: 'Planned.', scheduled_start: at(3640), scheduled_end: at(7200), services: [svc.id] },
    });
    assert.equal(m.status, 201, m.text);
    const id = m.json.maintenance.id;
    const reminded = () => mailsTo('remind').filter((x) => /^\[Status\] Reminder: Storage swap$/.test(x.headers.subject));
    await until(() => reminded().length >= N, { timeout: 90000, interval: 200, what: 'the reminders' });
    await new Promise((r) => setTimeout(r, 3000)); // a second reminder by another node would be here now
    const per = perRecipient(reminded());
    assert.equal(per.size, N, 'every subscriber was reminded');
    assert.deepEqual([...per.values()].filter((n) => n !== 1), [], 'exactly once each');
    const q = (text) => sql(text).trim();
    assert.equal(q(`SELECT COUNT(*) FROM audit_log WHERE action = 'maintenance.reminder' AND object_id = ${id}`), '1');
    assert.equal(q(`SELECT COUNT(*) FROM event_updates WHERE event_id = ${id} AND kind = 'reminder'`), '1');
  });
});
