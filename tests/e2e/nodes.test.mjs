// Several nodes on one PostgreSQL database (SPEC §13; issue 12): three `pharos serve`
// processes share a database and a secret key, each with its own data directory and
// server.node_id, as three machines behind a load balancer would.
//   - a node with another secret key, or none, refuses to start;
//   - freshness: a status change made on node A is served by node B's next requests
//     (50 changes; p50/p99 reported, each one within a second, the check's bound);
//   - sessions and sign-in throttling are the database's: sign in on A, go on on B; the
//     guesses made on A count on B;
//   - a page made private on A is closed on B and C within a second; the access cookie
//     given on B opens it on C, and a new password set on A ends it there (SPEC §16);
//   - a fan-out of 5,000 e-mails is shared by the three dispatchers (claims are
//     FOR UPDATE SKIP LOCKED): the SMTP sink gets each message once;
//   - a node killed (kill -9) mid fan-out: the others send what it held once its leases
//     (notify.lease_s, 5 s here) run out; every subscriber gets the message, duplicates
//     at most what the dead node had in flight;
//   - a monitor falling due with three probers running is checked once, not once a node.
// The schedulers of three nodes (maintenance that starts itself, reminders) are
// nodes_schedule.test.mjs, on three nodes of their own: the two files run side by side.
// lib/nodes.mjs starts the nodes.
// Runs on PostgreSQL only (SQLite is one process by design); `make e2e` runs it there.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ON_PG, tempDir, startServer, api, request, dbSql } from './lib/harness.mjs';
import { until } from './lib/events.mjs';
import { startNodes, perRecipient } from './lib/nodes.mjs';
import { Console } from './admin_console.mjs';

const skip = ON_PG ? false : 'several nodes need PostgreSQL (make e2e runs this suite on it)';

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]; };

describe('three nodes on one database', { skip }, () => {
  let cluster, nodes, home, env, subscribers, mailsTo;
  before(async () => {
    cluster = await startNodes();
    ({ nodes, home, env, subscribers, mailsTo } = cluster);
  });
  after(async () => { if (cluster) await cluster.stop(); });

  test('a change made on one node is served by the others within a second', async (t) => {
    const { a, b, c } = nodes;
    const svc = (await api(a, 'POST', 'services', { body: { name: 'API' } })).json.service;
    const statuses = ['major_outage', 'operational', 'degraded_performance', 'partial_outage'];
    const lags = [];
    for (let i = 0; i < 50; i++) {
      const status = statuses[i % statuses.length];
      const r = await api(a, 'PUT', `service/put/${svc.id}/${status}/`);
      assert.equal(r.status, 200, r.text);
      const t0 = performance.now();
      const reader = i % 2 ? b : c;
      for (;;) {
        const s = await request(reader, 'GET', '/api/v2/components.json');
        if (s.json.components.find((x) => x.name === 'API').status === status) break;
        assert.ok(performance.now() - t0 < 1000, `change ${i} (${status}) not served by node ${reader === b ? 'b' : 'c'} within a second`);
        await new Promise((res) => setTimeout(res, 5));
      }
      lags.push(performance.now() - t0);
    }
    t.diagnostic(`change on A served by B/C after p50 ${pct(lags, 50).toFixed(1)} ms, p99 ${pct(lags, 99).toFixed(1)} ms, max ${Math.max(...lags).toFixed(1)} ms`);
  });

  test('a monitor due with three probers running is checked once per interval, not once a node', async () => {
    const { a } = nodes;
    const svc = (await api(a, 'POST', 'services', { body: { name: 'Probed' } })).json.service;
    const r = await api(a, 'POST', 'monitors', { body: { service_id: svc.id, kind: 'tcp', target: `127.0.0.1:${a.port}`, interval_s: 3600 } });
    assert.equal(r.status, 201, r.text);
    const id = r.json.monitor.id;
    const count = () => Number(dbSql({ dataDir: home }, `SELECT COUNT(*) FROM monitor_results WHERE monitor_id = ${id}`).trim());
    for (let round = 1; round <= 4; round++) {
      dbSql({ dataDir: home }, `UPDATE monitors SET next_check_at = 0 WHERE id = ${id}`);
      await until(() => count() >= round, { timeout: 10000, what: `check ${round}` });
      await new Promise((res) => setTimeout(res, 1500)); /* every node's tick has passed */
      assert.equal(count(), round, `round ${round}: checked ${count()} times`);
    }
    assert.equal(dbSql({ dataDir: home }, `SELECT state FROM monitors WHERE id = ${id}`).trim(), 'up');
  });

  test('a node with another secret key, or none, refuses to start and says why', async () => {
    const other = tempDir('pharos-node-x-');
    writeFileSync(path.join(other, 'secret.key'), randomBytes(32), { mode: 0o600 });
    await assert.rejects(startServer({ dataDir: other, env: env('x') }), /every node of a database must use the same key file/);
    const none = tempDir('pharos-node-y-');
    await assert.rejects(startServer({ dataDir: none, env: env('y') }), /does not exist, but this database was set up with a secret key/);
  });

  test('sessions and sign-in throttling are shared: sign in on A, go on on B', async () => {
    const { a, b } = nodes;
    const c = new Console(a);
    assert.equal((await c.login('owner@example.com', 'owner-password')).status, 303);
    c.s = b;
    const page = await c.get('/admin');
    assert.equal(page.status, 200, page.text.slice(0, 500));
    assert.match(page.text, /owner@example\.com/);
    // a form read on B posts on A: the session's CSRF token is the database's too
    c.s = b;
    await c.get('/admin/services/new');
    c.s = a;
    const made = await c.post('/admin/services', { name: 'Made across nodes', description: '' });
    assert.equal(made.status, 303, made.text.slice(0, 500));
    // five wrong guesses on A: the sixth on B is refused
    for (let i = 0; i < 5; i++) assert.equal((await new Console(a).login('owner@example.com', `guess-${i}`)).status, 401);
    assert.equal((await new Console(b).login('owner@example.com', 'guess-5')).status, 429);
  });

  test('a page made private on one node is closed on the others; its access cookie works on any node', async () => {
    const { a, b, c } = nodes;
    const svc = (await api(a, 'POST', 'services', { body: { name: 'Vault' } })).json.service.id;
    const title = 'Vault outage across nodes';
    assert.equal((await api(a, 'POST', 'incidents', { body: { title, message: 'Looking.', services: [{ id: svc, status: 'major' }] } })).status, 201);
    for (const n of [b, c]) // public first, read on every node (within the freshness bound)
      await until(async () => (await request(n, 'GET', '/')).text.includes(title), { timeout: 3000, what: 'the incident on every node' });
    assert.equal((await api(a, 'PATCH', 'page', { body: { visibility: 'password', password: 'across-nodes-1' } })).status, 200);
    const closed = async (n, cookie) => {
      const r = await request(n, 'GET', '/', { headers: cookie ? { Cookie: cookie } : {} });
      return r.status === 401 && !r.text.includes(title);
    };
    await until(async () => (await closed(b)) && (await closed(c)), { timeout: 3000, what: 'the other nodes close the page' });
    // the password entered on B opens the page on C (the key and the page's rules are shared)
    const door = await request(b, 'GET', '/');
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(door.text)[1];
    const entered = await request(b, 'POST', '/access', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `csrf_token=${encodeURIComponent(csrf)}&password=across-nodes-1` });
    assert.equal(entered.status, 303, entered.text.slice(0, 300));
    const cookie = entered.headers['set-cookie'].find((x) => x.startsWith('pharos_access=')).split(';')[0];
    for (const n of [a, c]) {
      const r = await request(n, 'GET', '/', { headers: { Cookie: cookie } });
      assert.equal(r.status, 200);
      assert.ok(r.text.includes(title));
      assert.match(r.headers['cache-control'], /^private/);
    }
    // a new password set on A ends that cookie on C too
    assert.equal((await api(a, 'PATCH', 'page', { body: { password: 'across-nodes-2' } })).status, 200);
    await until(async () => closed(c, cookie), { timeout: 3000, what: 'C refuses the old cookie' });
    assert.equal((await api(a, 'PATCH', 'page', { body: { visibility: 'public' } })).status, 200);
    await until(async () => (await request(c, 'GET', '/')).status === 200, { timeout: 3000, what: 'public again on C' });
  });

  test('a fan-out of 5,000 e-mails is shared by the three dispatchers, each message sent once', async () => {
    const N = 5000;
    subscribers('fan', N);
    const svc = (await api(nodes.b, 'POST', 'services', { body: { name: 'Fan-out' } })).json.service;
    const inc = await api(nodes.b, 'POST', 'incidents', { body: { title: 'Shared fan-out', message: 'One each.', services: [{ id: svc.id, status: 'major_outage' }] } });
    assert.equal(inc.status, 201, inc.text);
    await until(() => mailsTo('fan').length >= N, { timeout: 120000, interval: 200, what: `${N} e-mails` });
    await new Promise((r) => setTimeout(r, 500)); // a duplicate would come now
    const per = perRecipient(mailsTo('fan'));
    assert.equal(per.size, N);
    assert.deepEqual([...per.values()].filter((n) => n > 1), [], 'no message twice');
    const by = dbSql({ dataDir: home }, `SELECT claimed_by, COUNT(*) FROM deliveries WHERE update_id = ${inc.json.incident.updates[0].id} GROUP BY claimed_by ORDER BY claimed_by`).trim();
    const shares = Object.fromEntries(by.split('\n').map((l) => l.split('|')));
    assert.ok(Object.keys(shares).length >= 2, `the work was shared: ${by}`);
    // the notification log says which node sent each, the same on every node
    const log = (await api(nodes.c, 'GET', 'deliveries?limit=100')).json.deliveries;
    assert.ok(log.length > 0 && log.every((d) => ['a', 'b', 'c'].includes(d.node)), JSON.stringify(log.slice(0, 3)));
  });

  test('a node killed mid fan-out: the others send what it held, every subscriber gets the message', async () => {
    const N = 3000;
    subscribers('kill', N);
    const svc = (await api(nodes.a, 'POST', 'services', { body: { name: 'Crash' } })).json.service;
    const inc = await api(nodes.a, 'POST', 'incidents', { body: { title: 'Node lost', message: 'Still told.', services: [{ id: svc.id, status: 'major_outage' }] } });
    assert.equal(inc.status, 201, inc.text);
    const uid = inc.json.incident.updates[0].id;
    await until(() => mailsTo('kill').length >= 300, { timeout: 60000, what: '300 e-mails' });
    await nodes.c.kill9();
    nodes.c = null;
    const held = Number(dbSql({ dataDir: home }, `SELECT COUNT(*) FROM deliveries WHERE update_id = ${uid} AND state = 'sending' AND claimed_by = 'c'`).trim());
    await until(() => perRecipient(mailsTo('kill')).size >= N, { timeout: 120000, interval: 200, what: `${N} recipients` });
    await until(() => dbSql({ dataDir: home }, `SELECT COUNT(*) FROM deliveries WHERE update_id = ${uid} AND state <> 'sent'`).trim() === '0', { timeout: 30000, what: 'every delivery sent' });
    const dups = [...perRecipient(mailsTo('kill')).values()].filter((n) => n > 1).length;
    assert.ok(dups <= held, `${dups} duplicates, node c held ${held} leases when it died`);
  });
});
