// Subscribing only where a message can be delivered (issue 10, item 1): the subscribe
// page offers the channels this server can send on, a sign-up on another is a 400
// that stores nothing, an admin cannot add an unconfirmed subscriber whose
// confirmation cannot go out, and every confirmation — sent or failed — is a row of
// the notification log and counts in the dashboard's failures like any delivery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli, request, api, startWithToken } from './lib/harness.mjs';
import { stopClean, dbSql } from './lib/admin.mjs';
import { postForm } from './lib/notify.mjs';
import { Console } from './admin_console.mjs';
import { startSmtp } from './fakes/smtp.mjs';

const count = (s, sql) => Number(dbSql(s, sql).trim());

test('no e-mail and no SMS configured: the page offers the feeds, sign-ups are refused', async () => {
  const s = await startWithToken();
  try {
    const page = await request(s, 'GET', '/subscribe');
    assert.equal(page.status, 200);
    assert.match(page.text, /data-offer="none"/);
    assert.doesNotMatch(page.text, /name="email"|name="phone"/);
    const before = count(s, 'SELECT COUNT(*) FROM subscribers');
    const e = await postForm(s, '/subscribe', { email: 'ann@example.test' });
    assert.equal(e.status, 400);
    assert.match(e.text, /e-mail updates are not offered here; follow the RSS or Atom feed/);
    assert.doesNotMatch(e.text, /Check your inbox/);
    const p = await postForm(s, '/subscribe', { phone: '+14155550100' });
    assert.equal(p.status, 400);
    assert.match(p.text, /SMS updates are not offered here/);
    assert.equal(count(s, 'SELECT COUNT(*) FROM subscribers'), before, 'nothing stored');
    assert.equal(count(s, 'SELECT COUNT(*) FROM deliveries'), 0, 'nothing queued');
    // an admin may add a confirmed subscriber, not one that would wait for a message
    const pending = await api(s, 'POST', 'subscribers', { body: { channel: 'email', address: 'bo@example.test' } });
    assert.equal(pending.status, 409);
    assert.match(pending.json.error.message, /e-mail \(email\.smtp_url\) is not configured/);
    const ok = await api(s, 'POST', 'subscribers', { body: { channel: 'email', address: 'bo@example.test', confirmed: true } });
    assert.equal(ok.status, 201, ok.text);
  } finally {
    await stopClean(s);
  }
});

test('only e-mail configured: no SMS form, an SMS sign-up is a 400 that points to e-mail', async () => {
  const smtp = await startSmtp();
  const s = await startWithToken({ env: { PHAROS_EMAIL_SMTP_URL: smtp.url } });
  try {
    const page = await request(s, 'GET', '/subscribe');
    assert.match(page.text, /name="email"/);
    assert.doesNotMatch(page.text, /name="phone"/);
    const p = await postForm(s, '/subscribe', { phone: '+14155550100' });
    assert.equal(p.status, 400);
    assert.match(p.text, /SMS updates are not offered here; subscribe by e-mail/);
    assert.equal(count(s, "SELECT COUNT(*) FROM subscribers WHERE channel = 'sms'"), 0);
  } finally {
    await stopClean(s);
    await smtp.stop();
  }
});

test('a confirmation the relay refuses is in the notification log and the dashboard counts it', async () => {
  const smtp = await startSmtp();
  smtp.rejectRcpt((addr) => addr === 'nobody@example.test');
  const s = await startWithToken({ env: { PHAROS_EMAIL_SMTP_URL: smtp.url } });
  try {
    assert.equal((await postForm(s, '/subscribe', { email: 'nobody@example.test' })).status, 200);
    assert.equal((await postForm(s, '/subscribe', { email: 'fine@example.test' })).status, 200);
    await smtp.waitFor((m) => m.some((x) => x.to.includes('fine@example.test')));
    let log;
    for (let i = 0; i < 100; i++) {
      log = (await api(s, 'GET', 'deliveries')).json.deliveries;
      // the sink has fine@'s message a moment before the dispatcher records the relay's answer
      if (log.some((d) => d.recipient === 'nobody@example.test' && d.state === 'failed') &&
          log.some((d) => d.recipient === 'fine@example.test' && d.state === 'sent')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const failed = log.find((d) => d.recipient === 'nobody@example.test');
    assert.equal(failed.kind, 'confirmation');
    assert.equal(failed.channel, 'email');
    assert.equal(failed.state, 'failed');
    assert.equal(failed.update_id, null);
    assert.match(failed.last_error, /SMTP 550/);
    const sent = log.find((d) => d.recipient === 'fine@example.test');
    assert.deepEqual([sent.kind, sent.state], ['confirmation', 'sent']);
    // the console: the log labels it, the dashboard counts the failure
    assert.equal(cli(['user', 'add', '--email', 'o@example.test', '--role', 'owner'], { dataDir: s.dataDir, input: 'owner-password\n' }).code, 0);
    const c = new Console(s);
    assert.equal((await c.login('o@example.test', 'owner-password')).status, 303);
    const dash = await c.get('/admin');
    assert.match(dash.text, /<span class="kpi-num">1<\/span><span class="kpi-label">failed \(24 h\)<\/span>/);
    const page = await c.get('/admin/deliveries');
    assert.match(page.text, /<tr data-delivery-kind="confirmation"><td>[^]*?Confirmation<\/td><td>email<\/td><td class="small">nobody@example\.test/);
  } finally {
    await stopClean(s);
    await smtp.stop();
  }
});
