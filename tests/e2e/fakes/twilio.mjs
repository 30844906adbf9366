// A fake of Twilio's Messages API that checks what Twilio checks: the account path,
// HTTP basic auth sid:auth_token, the form fields To, From and Body, and a Body that
// fits one segment (pharos promises one, SPEC §10): 160 GSM-7 septets (extension
// characters counting two), or, for a text GSM-7 cannot write, 70 UTF-16 units of UCS-2.
// fail(number, {status, code, message}) makes sends to NUMBER fail like Twilio does.
// Also signs inbound webhooks like Twilio (X-Twilio-Signature) for the STOP/START tests.
import crypto from 'node:crypto';
import { startHttpFake, basicAuth } from './http.mjs';

const GSM = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXT = '^{}\\[~]|€';

export function gsmUnits(s) {
  let n = 0;
  for (const ch of s) {
    if (GSM.includes(ch)) n += 1;
    else if (GSM_EXT.includes(ch)) n += 2;
    else return Infinity; // would need UCS-2
  }
  return n;
}

export function twilioSignature(authToken, url, params) {
  const data = url + Object.keys(params).sort().map((k) => k + params[k]).join('');
  return crypto.createHmac('sha1', authToken).update(data).digest('base64');
}

export async function startTwilio({ sid = 'AC0123456789', token = 'twilio-secret', from = '+15005550006' } = {}) {
  const failures = new Map();
  const fake = await startHttpFake((r) => {
    if (r.method !== 'POST' || r.url !== `/2010-04-01/Accounts/${sid}/Messages.json`)
      return { status: 404, body: { code: 20404, message: 'not found' } };
    if (basicAuth(r.headers) !== `${sid}:${token}`) return { status: 401, body: { code: 20003, message: 'Authenticate' } };
    const f = new URLSearchParams(r.body);
    const msg = { to: f.get('To'), from: f.get('From'), body: f.get('Body'), at: r.at };
    if (!msg.to || msg.from !== from || !msg.body) return { status: 400, body: { code: 21602, message: 'Message body is required' } };
    if (gsmUnits(msg.body) > 160 && (gsmUnits(msg.body) !== Infinity || msg.body.length > 70))
      return { status: 400, body: { code: 99999, message: `body over one segment (160 GSM-7 or 70 UCS-2): ${msg.body}` } };
    const fail = failures.get(msg.to);
    if (fail) { fake.failed.push(msg); return { status: fail.status, body: { code: fail.code, message: fail.message, status: fail.status } }; }
    fake.messages.push(msg);
    return { status: 201, body: { sid: 'SM' + crypto.randomBytes(16).toString('hex'), status: 'queued', to: msg.to } };
  });
  Object.assign(fake, {
    sid, token, from, messages: [], failed: [],
    fail(number, how) { failures.set(number, how); },
    env: { PHAROS_SMS_API_BASE: fake.base, PHAROS_SMS_ACCOUNT_SID: sid, PHAROS_SMS_AUTH_TOKEN: token, PHAROS_SMS_FROM: from },
  });
  return fake;
}
