// A fake Slack incoming webhook at /services/T000/B000/XXXX that checks the payload as
// Slack does: JSON with a non-empty "text" and "blocks" an array of objects with a
// "type" (section text objects with type and text). answerNext(status, headers) makes
// the next requests fail (e.g. 429 with Retry-After).
import { startHttpFake } from './http.mjs';

export async function startSlack() {
  const queue = [];
  const fake = await startHttpFake((r) => {
    if (r.method !== 'POST' || r.url !== '/services/T000/B000/XXXX') return { status: 404, type: 'text/plain', body: 'no_service' };
    let p;
    try { p = JSON.parse(r.body); } catch { return { status: 400, type: 'text/plain', body: 'invalid_payload' }; }
    const ok = typeof p.text === 'string' && p.text && Array.isArray(p.blocks) && p.blocks.length &&
      p.blocks.every((b) => typeof b.type === 'string' && (b.type !== 'section' || (b.text && typeof b.text.text === 'string' && ['mrkdwn', 'plain_text'].includes(b.text.type))));
    if (!ok) return { status: 400, type: 'text/plain', body: 'invalid_blocks' };
    const next = queue.shift();
    if (next) { fake.refused.push({ ...p, at: r.at }); return { status: next.status, headers: next.headers, type: 'text/plain', body: next.body || 'error' }; }
    fake.messages.push({ ...p, at: r.at });
    return { status: 200, type: 'text/plain', body: 'ok' };
  });
  Object.assign(fake, {
    messages: [], refused: [],
    answerNext(status, headers = {}, body) { queue.push({ status, headers, body }); },
  });
  fake.url = `${fake.base}/services/T000/B000/XXXX`;
  return fake;
}
