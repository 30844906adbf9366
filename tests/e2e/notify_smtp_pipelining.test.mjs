// Refusals inside a pipelined batch (notify/smtp_conn.c, RFC 2920): with
// notify.concurrency 8, pharos keeps two connections to the relay with four messages
// each, so every refused recipient has messages written before and after it on the same
// connection. A 550 fails that delivery alone (with the reply in the reason, never
// retried), a 451 retries it; the transaction is reset and every other message goes out
// exactly once.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, startWithToken } from './lib/harness.mjs';
import { stopClean, dbSql } from './lib/admin.mjs';
import { startWorld, stopWorld, newService, newIncident, settled, sleep } from './lib/notify.mjs';

const N = 40;
let w;
after(async () => { if (w) { await stopClean(w.s); await stopWorld(w); } });

test('a refused recipient among pipelined messages fails or retries alone; the others are sent once', async () => {
  w = await startWorld({ env: { PHAROS_NOTIFY_CONCURRENCY: '8' } });
  const svc = await newService(w.s, 'API');
  dbSql(w.s, `INSERT INTO subscribers (page_id, channel, address, state, all_services, created_at, updated_at, confirmed_at)
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ${N})
    SELECT 1, 'email', 'pipe' || x || '@example.test', 'active', 1, 0, 0, 0 FROM n`);
  const gone = (a) => /^pipe(\d+)@/.exec(a)?.[1] % 5 === 0; // 8 of 40
  let busyOnce = true;
  w.smtp.rejectRcpt((a) => {
    if (gone(a)) return true;
    if (a === 'pipe7@example.test' && busyOnce) { busyOnce = false; return 451; }
    return false;
  });
  const ev = await newIncident(w.s, { title: 'Pipelined refusals', services: [svc.id] });
  const uid = ev.updates[0].id;
  // the 451 is retried after its backoff; everything else settles on the first attempt.
  // (Counting pipe7 among the N - 1 settled let its retry, when quick, stand in for a
  // message still being sent: CI saw pipe39 'sending' then.)
  const end = Date.now() + 30000;
  while (Number(dbSql(w.s, `SELECT COUNT(*) FROM deliveries WHERE update_id=${uid}
      AND recipient <> 'pipe7@example.test' AND state IN ('sent', 'failed')`)) < N - 1) {
    assert.ok(Date.now() < end, 'the first attempts settled');
    await sleep(100);
  }
  const rows = dbSql(w.s, `SELECT recipient, state, attempts, COALESCE(last_error, '') FROM deliveries WHERE update_id=${uid} ORDER BY id`)
    .trim().split('\n').map((l) => l.split('|'));
  assert.equal(rows.length, N);
  for (const [to, state, attempts, error] of rows) {
    if (gone(to)) {
      assert.equal(state, 'failed', to);
      assert.equal(attempts, '1', `${to}: a 550 is not retried`);
      assert.match(error, /^SMTP 550 \(RCPT TO\): /, to);
    } else if (to === 'pipe7@example.test') {
      if (state !== 'sent') {
        assert.equal(state, 'pending');
        assert.match(error, /^SMTP 451 \(RCPT TO\): /);
      }
    } else {
      assert.equal(state, 'sent', `${to}: ${error}`);
    }
  }
  const ds = await settled(w.s, uid, 60000);
  assert.equal(ds.find((d) => d.recipient === 'pipe7@example.test').state, 'sent', 'the 451 was retried and sent');
  for (let x = 1; x <= N; x++) {
    const to = `pipe${x}@example.test`;
    assert.equal(w.smtp.byRecipient(to).length, gone(to) ? 0 : 1, to);
  }
  assert.ok(w.smtp.connections <= 3, `${w.smtp.connections} connections: the messages shared them`);
});

test('smtp://localhost: the name is resolved on the loop, its addresses tried in turn', async () => {
  await stopClean(w.s);
  // the relay listens on 127.0.0.1 only: where localhost also names ::1, that address is
  // refused first and the next one taken
  w.s = await startWithToken({ env: { ...w.env, PHAROS_EMAIL_SMTP_URL: `smtp://localhost:${w.smtp.port}` } });
  const svc = await newService(w.s, 'Mail by name');
  const before = w.smtp.messages.length;
  assert.equal((await api(w.s, 'POST', 'subscribers', { body: { channel: 'email', address: 'byname@example.test', confirmed: true } })).status, 201);
  const ev = await newIncident(w.s, { title: 'By name', services: [svc.id] });
  const ds = await settled(w.s, ev.updates[0].id, 30000);
  const d = ds.find((x) => x.recipient === 'byname@example.test');
  assert.equal(d.state, 'sent', d.last_error);
  assert.equal(w.smtp.byRecipient('byname@example.test').length, 1);
  assert.ok(w.smtp.messages.length > before);
});
