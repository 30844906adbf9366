// Three pharos nodes on one PostgreSQL database, for the several-nodes suites
// (nodes.test.mjs, nodes_schedule.test.mjs; SPEC §13, issue 12): three `pharos serve`
// processes share a database and a secret key, each with its own data directory and
// server.node_id, as three machines behind a load balancer would, and one SMTP sink.
// Each suite gets a database of its own: the e-mails of one suite's subscribers never
// reach another's.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, tempDir, startServer, pgName, dbSql } from './harness.mjs';
import { stopClean } from './admin.mjs';
import { startSmtp } from '../fakes/smtp.mjs';

// Starts the SMTP sink and nodes a, b and c (notify.lease_s 5). Returns the cluster:
// {nodes: {a, b, c}, smtp, home (the database's data directory, for dbSql), key, token,
// env(id), startNode(id), stop(), sql(text), subscribers(prefix, n, serviceId),
// mailsTo(prefix)}.
export async function startNodes() {
  const smtp = await startSmtp({ delayMs: 2 });
  const home = tempDir('pharos-nodes-');
  const dbUrl = `postgresql:///${pgName(home)}`;
  const key = randomBytes(32);
  writeFileSync(path.join(home, 'secret.key'), key, { mode: 0o600 });
  const t = cli(['token', 'create', '--name', 'e2e'], { dataDir: home });
  assert.equal(t.code, 0, t.stderr);
  const token = t.stdout.trim();
  const u = cli(['user', 'add', '--email', 'owner@example.com', '--role', 'owner'], { dataDir: home, input: 'owner-password\n' });
  assert.equal(u.code, 0, u.stderr);
  const nodes = {};
  const env = (id) => ({
    PHAROS_STORAGE_DATABASE: dbUrl,
    PHAROS_SERVER_NODE_ID: id,
    PHAROS_NOTIFY_LEASE_S: '5',
    PHAROS_NOTIFY_CONCURRENCY: '16',
    PHAROS_EMAIL_SMTP_URL: smtp.url,
    PHAROS_EMAIL_FROM: 'status@example.test',
  });
  // A node: its own data directory holding the shared secret key.
  async function startNode(id) {
    const dir = tempDir(`pharos-node-${id}-`);
    writeFileSync(path.join(dir, 'secret.key'), key, { mode: 0o600 });
    const s = await startServer({ dataDir: dir, env: env(id) });
    s.token = token;
    nodes[id] = s;
    return s;
  }
  const sql = (text) => dbSql({ dataDir: home }, text);
  const cluster = {
    nodes, smtp, home, key, token, env, startNode, sql,
    async stop() {
      for (const s of Object.values(nodes)) if (s) await stopClean(s);
      await smtp.stop();
    },
    // N active e-mail subscribers named PREFIX<i>@example.test on the default page: of
    // every service, or only of service SERVICEID when given.
    subscribers(prefix, n, serviceId) {
      sql(`INSERT INTO subscribers (page_id, channel, address, state, all_services, created_at, updated_at, confirmed_at)
        SELECT 1, 'email', '${prefix}' || x || '@example.test', 'active', ${serviceId ? 0 : 1}, 0, 0, 0 FROM generate_series(1, ${n}) AS x`);
      if (serviceId) {
        sql(`INSERT INTO subscriber_services (subscriber_id, service_id)
          SELECT id, ${Number(serviceId)} FROM subscribers WHERE address LIKE '${prefix}%@example.test'`);
      }
    },
    mailsTo: (prefix) => smtp.messages.filter((m) => m.to[0].startsWith(prefix)),
  };
  // three started together: the migrations (applied by the CLI already) and the
  // default page are each done once
  await Promise.all(['a', 'b', 'c'].map(startNode));
  return cluster;
}

// The number of messages each recipient of MSGS got, as a Map.
export function perRecipient(msgs) {
  const m = new Map();
  for (const x of msgs) m.set(x.to[0], (m.get(x.to[0]) || 0) + 1);
  return m;
}
