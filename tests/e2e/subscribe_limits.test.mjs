// Abuse limits of public subscriptions (SPEC §7): attempts per client address
// (limits.subscribe_per_ip_hour), and at most 3 confirmation messages per address per
// day counted across every page of the server, not per page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli, tempDir } from './lib/harness.mjs';
import { stopClean, dbSql } from './lib/admin.mjs';
import { startWorld, stopWorld, postForm, sleep } from './lib/notify.mjs';

let w;
before(async () => { w = await startWorld({ privateTargets: false, env: { PHAROS_LIMITS_SUBSCRIBE_PER_IP_HOUR: '3' } }); });
after(async () => { await stopClean(w.s); await stopWorld(w); });

test('past limits.subscribe_per_ip_hour attempts from one address: 429, nothing stored', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await postForm(w.s, '/subscribe', { email: `p${i}@example.test` })).status, 200);
  const r = await postForm(w.s, '/subscribe', { email: 'p9@example.test' });
  assert.equal(r.status, 429);
  assert.equal(dbSql(w.s, "SELECT COUNT(*) FROM subscribers WHERE address='p9@example.test'").trim(), '0');
});

test('3 confirmations per address per day across pages: the 4th, on another page, answers 429 and sends nothing', async () => {
  const dataDir = tempDir();
  const page = cli(['page', 'add', '--slug', 'b', '--title', 'B', '--host', 'b.test'], { dataDir });
  assert.equal(page.code, 0, page.stderr);
  const x = await startWorld({ dataDir, privateTargets: false, env: { PHAROS_LIMITS_SUBSCRIBE_PER_IP_HOUR: '1000' } });
  try {
    const addr = 'xpage@example.test';
    const sent = () => x.smtp.byRecipient(addr).length;
    assert.equal((await postForm(x.s, '/subscribe', { email: addr })).status, 200);
    assert.equal((await postForm(x.s, '/subscribe', { email: addr })).status, 200);
    assert.equal((await postForm(x.s, '/subscribe', { email: addr }, { host: 'b.test' })).status, 200);
    await x.smtp.waitFor(() => sent() === 3, 20000, 'three confirmations');
    const r = await postForm(x.s, '/subscribe', { email: addr }, { host: 'b.test' });
    assert.equal(r.status, 429, 'the fourth confirmation of the day, on page B');
    const r2 = await postForm(x.s, '/subscribe', { email: addr });
    assert.equal(r2.status, 429, 'and on the default page');
    await sleep(1500);
    assert.equal(sent(), 3, 'nothing more was sent');
    assert.equal(dbSql(x.s, `SELECT COUNT(*) FROM deliveries m JOIN subscribers s ON s.id = m.subscriber_id WHERE m.kind = 'confirmation' AND s.address = '${addr}'`).trim(), '3');
    assert.equal(x.smtp.byRecipient(addr).filter((m) => /^\[B\] Confirm your subscription$/.test(m.headers.subject)).length, 1, 'one came from page B');
  } finally {
    await stopClean(x.s);
    await stopWorld(x);
  }
});
