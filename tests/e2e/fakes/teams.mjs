// A fake Microsoft Teams incoming webhook at /webhookb2/GROUP/IncomingWebhook/ID/OWNER that
// checks a message as Teams does: valid UTF-8 JSON of at most 28 KB with "type":"message"
// and 1 to 10 attachments, each "contentType":"application/vnd.microsoft.card.adaptive" with
// an Adaptive Card in "content" — "type":"AdaptiveCard", a "version" Teams renders
// (1.0 to 1.5), a "body" of known elements (a TextBlock has a string "text"), "actions" each
// known (Action.OpenUrl has a "title" and an absolute http(s) "url"). Else 400 with the
// reason. Accepted messages are kept with what a Markdown TextBlock would make of their text:
// the links ([label](url)) and emphasis (**x**, _x_) left unescaped, per card (`rendered`).
// answerNext(status, headers, body) makes the next requests fail (e.g. 429).
import { startHttpFake } from './http.mjs';

export const TEAMS_MAX_BYTES = 28 * 1024;
const VERSIONS = ['1.0', '1.1', '1.2', '1.3', '1.4', '1.5'];
const ELEMENTS = ['TextBlock', 'Container', 'ColumnSet', 'FactSet', 'Image', 'ActionSet', 'RichTextBlock'];

// Markdown a TextBlock would act on in TEXT: unescaped link and emphasis syntax.
export function teamsMarkup(text) {
  const bare = text.replace(/\\[!-/:-@[-`{-~]/g, '');  // backslash escapes (CommonMark) drop out
  return {
    links: [...bare.matchAll(/\[[^\]]*\]\([^)]*\)/g)].map((m) => m[0]),
    emphasis: [...bare.matchAll(/\*\*[^*]+\*\*|(^|\W)_[^_]+_(?=\W|$)/g)].map((m) => m[0].trim()),
    functions: [...bare.matchAll(/\{\{(DATE|TIME)\(/g)].map((m) => m[0]),
  };
}

function cardError(c) {
  if (!c || c.type !== 'AdaptiveCard') return 'content is not an AdaptiveCard';
  if (!VERSIONS.includes(c.version)) return `unsupported card version ${c.version}`;
  if (!Array.isArray(c.body)) return 'card body is not an array';
  for (const e of c.body) {
    if (!e || !ELEMENTS.includes(e.type)) return `unknown element ${e && e.type}`;
    if (e.type === 'TextBlock' && (typeof e.text !== 'string' || !e.text.isWellFormed())) return 'TextBlock without text';
  }
  for (const a of c.actions ?? []) {
    if (!a || a.type !== 'Action.OpenUrl') return `unknown action ${a && a.type}`;
    if (typeof a.title !== 'string' || !/^https?:\/\/[^\s]+$/.test(a.url || '')) return 'Action.OpenUrl needs a title and an absolute url';
  }
  return null;
}

export function teamsError(raw) {
  if (raw.length > TEAMS_MAX_BYTES) return 'message is too large';
  let p;
  try { p = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)); } catch { return 'invalid JSON'; }
  if (!p || p.type !== 'message') return 'type must be "message"';
  if (!Array.isArray(p.attachments) || !p.attachments.length || p.attachments.length > 10) return 'attachments must hold 1 to 10 cards';
  for (const a of p.attachments) {
    if (a.contentType !== 'application/vnd.microsoft.card.adaptive') return `unsupported contentType ${a.contentType}`;
    const bad = cardError(a.content);
    if (bad) return bad;
  }
  return null;
}

export async function startTeams() {
  const queue = [];
  const path = '/webhookb2/0000-group/IncomingWebhook/abcdef/0000-owner';
  const fake = await startHttpFake((r) => {
    if (r.method !== 'POST' || r.url !== path) return { status: 404, type: 'text/plain', body: 'not found' };
    if (!/^application\/json/.test(r.headers['content-type'] || '')) return { status: 415, type: 'text/plain', body: 'unsupported media type' };
    const bad = teamsError(r.raw);
    if (bad) { fake.invalid.push({ error: bad, body: r.body, at: r.at }); return { status: 400, type: 'text/plain', body: bad }; }
    const p = JSON.parse(r.body);
    const next = queue.shift();
    if (next) { fake.refused.push({ ...p, at: r.at }); return { status: next.status, headers: next.headers, type: 'text/plain', body: next.body || 'error' }; }
    const card = p.attachments[0].content;
    const rendered = card.body.filter((e) => e.type === 'TextBlock').map((e) => teamsMarkup(e.text));
    fake.messages.push({ ...p, card, rendered, bytes: r.raw.length, at: r.at });
    return { status: 202, type: 'text/plain', body: '' };
  });
  Object.assign(fake, {
    messages: [], refused: [], invalid: [],
    answerNext(status, headers = {}, body) { queue.push({ status, headers, body }); },
  });
  fake.url = `${fake.base}${path}`;
  return fake;
}
