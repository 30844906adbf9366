// A fake Google Chat incoming webhook at /v1/spaces/SPACE/messages?key=KEY&token=TOKEN that
// checks a message as Chat does: the key and token in the query (else 400/401), a JSON body
// (Content-Type application/json) holding a text message — "text" a non-empty string of at
// most 4,096 characters and no other field (this fake accepts text messages only; cards
// are refused) — else 400 INVALID_ARGUMENT. Accepted messages are kept with what Chat's
// markup would make of them: mentions ("<users/all>", "<users/ID>"), links with a label
// ("<https://…|label>") and formatting (*bold*, _italic_, ~strike~, `code`), as `markup`.
// answerNext(status) makes the next requests fail (429 RESOURCE_EXHAUSTED, 503).
import { startHttpFake } from './http.mjs';

export const TEXT_MAX = 4096;

export function chatMarkup(text) {
  return {
    mentions: [...text.matchAll(/<users\/[^>]+>/g)].map((m) => m[0]),
    links: [...text.matchAll(/<(https?:[^|>]+)\|([^>]*)>/g)].map((m) => m[0]),
    formatting: [...text.matchAll(/(^|[\s(])([*_~`])(?!\s)([^*_~`\n]+?)(?<!\s)\2(?=$|[\s.,:;!?)])/g)].map((m) => m[0].trim()),
  };
}

const status = (code, st, message) => ({ status: code, body: { error: { code, message, status: st } } });

export async function startGoogleChat() {
  const queue = [];
  const space = '/v1/spaces/AAAA1234';
  const fake = await startHttpFake((r) => {
    const u = new URL(r.url, 'http://x');
    if (r.method !== 'POST' || u.pathname !== `${space}/messages`) return status(404, 'NOT_FOUND', 'Requested entity was not found.');
    if (u.searchParams.get('key') !== 'KEY-abc') return status(400, 'INVALID_ARGUMENT', 'API key not valid.');
    if (u.searchParams.get('token') !== 'TOKEN-xyz') return status(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    if (!/^application\/json/.test(r.headers['content-type'] || '')) return status(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    let p;
    try { p = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(r.raw)); } catch { p = null; }
    const bad = !p || typeof p !== 'object' ? 'Invalid JSON payload received.'
      : Object.keys(p).some((k) => k !== 'text') ? `Unknown or unsupported field: ${Object.keys(p).find((k) => k !== 'text')}`
        : typeof p.text !== 'string' || !p.text.length ? 'Message cannot be empty.'
          : p.text.length > TEXT_MAX ? `Message text is too long (${p.text.length} > ${TEXT_MAX}).` : null;
    if (bad) { fake.invalid.push({ error: bad, body: r.body, at: r.at }); return status(400, 'INVALID_ARGUMENT', bad); }
    const next = queue.shift();
    if (next) { fake.refused.push({ ...p, at: r.at }); return next.status === 429 ? status(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted') : status(next.status, 'UNAVAILABLE', 'unavailable'); }
    fake.messages.push({ ...p, markup: chatMarkup(p.text), at: r.at });
    return { status: 200, body: { name: `spaces/AAAA1234/messages/m${fake.messages.length}`, text: p.text } };
  });
  Object.assign(fake, {
    messages: [], refused: [], invalid: [],
    answerNext(code) { queue.push({ status: code }); },
  });
  fake.url = `${fake.base}${space}/messages?key=KEY-abc&token=TOKEN-xyz`;
  return fake;
}
