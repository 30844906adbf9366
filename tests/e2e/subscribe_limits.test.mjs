// The per-client-address limit of public subscriptions (limits.subscribe_per_ip_hour).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { stopClean, sqlite } from './lib/admin.mjs';
import { startWorld, stopWorld, postForm } from './lib/notify.mjs';

let w;
before(async () => { w = await startWorld({ env: { PHAROS_LIMITS_SUBSCRIBE_PER_IP_HOUR: '3' } }); });
after(async () => { await stopClean(w.s); await stopWorld(w); });

test('past limits.subscribe_per_ip_hour attempts from one address: 429, nothing stored', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await postForm(w.s, '/subscribe', { email: `p${i}@example.test` })).status, 200);
  const r = await postForm(w.s, '/subscribe', { email: 'p9@example.test' });
  assert.equal(r.status, 429);
  assert.equal(sqlite(w.s, "SELECT COUNT(*) FROM subscribers WHERE address='p9@example.test'").trim(), '0');
});
