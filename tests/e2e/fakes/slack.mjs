// A fake Slack incoming webhook at /services/T000/B000/XXXX that checks the payload as
// Slack does: the body is valid UTF-8 JSON (else 400 invalid_payload) with a non-empty
// "text" and "blocks" an array of 1 to 50 blocks, each valid (else 400 invalid_blocks):
// a section has a text object {type: mrkdwn|plain_text, text} of 1 to 3000 characters,
// a header a plain_text of at most 150, a context 1 to 10 text elements of at most 3000;
// no string holds an unpaired surrogate. Lengths are counted in UTF-16 code units (as
// JavaScript does; Slack counts characters, which is never more). answerNext(status,
// headers) makes the next requests fail (e.g. 429 with Retry-After).
import { startHttpFake } from './http.mjs';

export const SECTION_MAX = 3000;
export const HEADER_MAX = 150;

const textObject = (t, max, types = ['mrkdwn', 'plain_text']) =>
  t && typeof t === 'object' && types.includes(t.type) && typeof t.text === 'string' &&
  t.text.length >= 1 && t.text.length <= max && t.text.isWellFormed();

function validBlock(b) {
  if (!b || typeof b !== 'object' || typeof b.type !== 'string') return false;
  switch (b.type) {
    case 'section': return textObject(b.text, SECTION_MAX);
    case 'header': return textObject(b.text, HEADER_MAX, ['plain_text']);
    case 'context': return Array.isArray(b.elements) && b.elements.length >= 1 && b.elements.length <= 10 &&
      b.elements.every((e) => textObject(e, SECTION_MAX));
    case 'divider': return true;
    default: return false;
  }
}

// Slack's checks of a payload: null when it is accepted, else the error Slack answers.
export function slackError(raw) {
  let p;
  try { p = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)); } catch { return 'invalid_payload'; }
  if (!p || typeof p.text !== 'string' || !p.text || !p.text.isWellFormed()) return 'invalid_payload';
  if (!Array.isArray(p.blocks) || !p.blocks.length || p.blocks.length > 50 || !p.blocks.every(validBlock)) return 'invalid_blocks';
  return null;
}

export async function startSlack() {
  const queue = [];
  const fake = await startHttpFake((r) => {
    if (r.method !== 'POST' || r.url !== '/services/T000/B000/XXXX') return { status: 404, type: 'text/plain', body: 'no_service' };
    const bad = slackError(r.raw);
    if (bad) { fake.invalid.push({ error: bad, body: r.body, at: r.at }); return { status: 400, type: 'text/plain', body: bad }; }
    const p = JSON.parse(r.body);
    const next = queue.shift();
    if (next) { fake.refused.push({ ...p, at: r.at }); return { status: next.status, headers: next.headers, type: 'text/plain', body: next.body || 'error' }; }
    fake.messages.push({ ...p, at: r.at });
    return { status: 200, type: 'text/plain', body: 'ok' };
  });
  Object.assign(fake, {
    messages: [], refused: [], invalid: [],
    answerNext(status, headers = {}, body) { queue.push({ status, headers, body }); },
  });
  fake.url = `${fake.base}/services/T000/B000/XXXX`;
  return fake;
}
