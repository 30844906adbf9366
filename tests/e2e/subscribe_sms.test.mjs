// SMS subscriptions (SPEC §7): the 6-digit code texted through the Twilio fake, the
// verify form, and replies arriving at Twilio's inbound webhook — STOP/START/HELP with a
// valid X-Twilio-Signature, and forged or missing signatures refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from './lib/harness.mjs';
import { stopClean, dbSql } from './lib/admin.mjs';
import { startWorld, stopWorld, postForm, newService, newIncident, settled, sleep } from './lib/notify.mjs';
import { twilioSignature } from './fakes/twilio.mjs';

let w;
let s;
let svc;
const PHONE = '+14155550177';
before(async () => {
  w = await startWorld();
  s = w.s;
  svc = await newService(s, 'API');
});
after(async () => { await stopClean(s); await stopWorld(w); });

const state = (phone = PHONE) => dbSql(s, `SELECT state FROM subscribers WHERE address='${phone}'`).trim();
const textsTo = (phone) => w.twilio.messages.filter((m) => m.to === phone);

function inbound(fields, { forge = false, sign = true } = {}) {
  const params = { AccountSid: w.twilio.sid, MessageSid: 'SM' + Math.random().toString(16).slice(2), To: w.twilio.from, ...fields };
  const url = `${s.url}/hooks/sms/twilio`;
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (sign) headers['X-Twilio-Signature'] = twilioSignature(forge ? 'wrong-token' : w.twilio.token, url, params);
  return request(s, 'POST', '/hooks/sms/twilio', { body: new URLSearchParams(params).toString(), headers });
}

test('SMS sign-up: a 6-digit code is texted; a wrong code is refused; the right one activates', async () => {
  const r = await postForm(s, '/subscribe', { phone: '+1 (415) 555-0177' });
  assert.equal(r.status, 200, r.text);
  assert.match(r.text, /data-sent="sms"/);
  assert.match(r.text, /name="code"/);
  await w.twilio.waitFor(() => textsTo(PHONE).length === 1);
  const body = textsTo(PHONE)[0].body;
  assert.match(body, /^\[Status\] Status alerts: Your verification code is \d{6}\. Reply STOP to stop\.$/);
  const code = /(\d{6})/.exec(body)[1];
  const wrong = String((Number(code) + 1) % 1e6).padStart(6, '0');
  const bad = await postForm(s, '/subscribe/sms/verify', { phone: PHONE, code: wrong });
  assert.equal(bad.status, 400);
  assert.equal(state(), 'pending');
  const ok = await postForm(s, '/subscribe/sms/verify', { phone: PHONE, code });
  assert.equal(ok.status, 303, ok.text);
  assert.match(ok.headers.location, /^\/subscription\/m\d+-/);
  assert.equal(state(), 'active');
  const prefs = await request(s, 'GET', ok.headers.location);
  assert.match(prefs.text, /\+14155550177/);
  const ev = await newIncident(s, { title: 'Texts work', services: [svc.id] });
  await settled(s, ev.updates[0].id);
  assert.equal(textsTo(PHONE).length, 2);
});

test('five wrong codes lock the code', async () => {
  const phone = '+14155550188';
  await postForm(s, '/subscribe', { phone });
  await w.twilio.waitFor(() => textsTo(phone).length === 1);
  const code = /(\d{6})/.exec(textsTo(phone)[0].body)[1];
  for (let i = 0; i < 5; i++) assert.equal((await postForm(s, '/subscribe/sms/verify', { phone, code: '000000' === code ? '111111' : '000000' })).status, 400);
  assert.equal((await postForm(s, '/subscribe/sms/verify', { phone, code })).status, 400);
  assert.equal(state(phone), 'pending');
});

test('forged or missing X-Twilio-Signature: 403, nothing changes', async () => {
  assert.equal((await inbound({ From: PHONE, Body: 'STOP' }, { forge: true })).status, 403);
  assert.equal((await inbound({ From: PHONE, Body: 'STOP' }, { sign: false })).status, 403);
  assert.equal(state(), 'active');
});

test('STOP stops texts, START resumes them, HELP answers with the page name', async () => {
  const stop = await inbound({ From: PHONE, Body: ' stop ' });
  assert.equal(stop.status, 200, stop.text);
  assert.match(stop.headers['content-type'], /text\/xml/);
  assert.match(stop.text, /<Response><\/Response>/);
  assert.equal(state(), 'stopped');
  let ev = await newIncident(s, { title: 'While stopped', services: [svc.id] });
  await settled(s, ev.updates[0].id);
  assert.equal(textsTo(PHONE).length, 2, 'no text while stopped');
  for (const word of ['STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']) {
    await inbound({ From: PHONE, Body: 'START' });
    assert.equal(state(), 'active');
    await inbound({ From: PHONE, Body: word });
    assert.equal(state(), 'stopped', word);
  }
  for (const word of ['UNSTOP', 'yes', 'Start']) {
    await inbound({ From: PHONE, Body: 'STOP' });
    assert.equal((await inbound({ From: PHONE, Body: word })).status, 200);
    assert.equal(state(), 'active', word);
  }
  ev = await newIncident(s, { title: 'After START', services: [svc.id] });
  await settled(s, ev.updates[0].id);
  assert.equal(textsTo(PHONE).length, 3);
  const help = await inbound({ From: PHONE, Body: 'HELP' });
  assert.equal(help.status, 200);
  assert.match(help.text, /<Response><Message>Status status notifications\. Reply STOP to stop all texts, START to resume\.<\/Message><\/Response>/);
  const other = await inbound({ From: PHONE, Body: 'hello there' });
  assert.equal(other.status, 200);
  assert.equal(state(), 'active');
});
