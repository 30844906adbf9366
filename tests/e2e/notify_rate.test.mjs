// Per-channel rate limits (notify.email_rate): 15 e-mails at 5 per second take about
// two seconds after the first second's burst, and every one still arrives.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { stopClean, dbSql } from './lib/admin.mjs';
import { startWorld, stopWorld, newService, newIncident, settled } from './lib/notify.mjs';

let w;
after(async () => { if (w) { await stopClean(w.s); await stopWorld(w); } });

test('notify.email_rate paces e-mail', async () => {
  w = await startWorld({ env: { PHAROS_NOTIFY_EMAIL_RATE: '5' } });
  const svc = await newService(w.s, 'API');
  dbSql(w.s, `INSERT INTO subscribers (page_id, channel, address, state, all_services, created_at, updated_at, confirmed_at)
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 15)
    SELECT 1, 'email', 'rate' || x || '@example.test', 'active', 1, 0, 0, 0 FROM n`);
  const ev = await newIncident(w.s, { title: 'Paced', services: [svc.id] });
  // Wait on the fake first: settled() polls through psql/sqlite3 with spawnSync, which
  // blocks this process, fake included, so messages arriving meanwhile would be stamped
  // together when it returns (on PostgreSQL under load: "10 within 669 ms").
  await w.smtp.waitFor((m) => m.length >= 15, 20000, '15 paced e-mails');
  const ds = await settled(w.s, ev.updates[0].id);
  assert.equal(ds.filter((d) => d.state === 'sent').length, 15);
  const at = w.smtp.messages.map((m) => m.at).sort((a, b) => a - b);
  assert.equal(at.length, 15);
  const span = at[14] - at[0];
  assert.ok(span >= 1500 && span <= 6000, `15 messages at 5/s spanned ${span} ms`);
  // no second more than the rate plus the one-second burst
  for (let i = 10; i < 15; i++) assert.ok(at[i] - at[i - 10] >= 900, `10 within ${at[i] - at[i - 10]} ms`);
});
