// A webhook receiver that checks X-Pharos-Signature (sha256=HEX of the body with the
// shared secret) and keeps the verified events.
import crypto from 'node:crypto';
import { startHttpFake } from './http.mjs';

export async function startWebhook({ secret = 'hook-secret' } = {}) {
  const fake = await startHttpFake((r) => {
    const want = 'sha256=' + crypto.createHmac('sha256', secret).update(r.body).digest('hex');
    if (r.headers['x-pharos-signature'] !== want || r.headers['content-type'] !== 'application/json') {
      fake.forged.push(r);
      return { status: 401, body: { error: 'bad signature' } };
    }
    fake.events.push({ ...JSON.parse(r.body), delivery: r.headers['x-pharos-delivery'], at: r.at });
    return { status: 204, body: '' };
  });
  Object.assign(fake, { secret, events: [], forged: [] });
  fake.url = `${fake.base}/hook`;
  return fake;
}
