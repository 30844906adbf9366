// A fake Discord webhook at /api/webhooks/ID/TOKEN that checks a message as Discord does
// (else 400 {"code":50035,"message":"Invalid Form Body","errors":…}): JSON with "content"
// or "embeds"; content at most 2,000 characters; at most 10 embeds, each with a title of
// at most 256, a description of at most 4,096, at most 25 fields whose name (at most 256)
// and value (at most 1,024) are non-empty, a footer text of at most 2,048, a color in
// 0…0xFFFFFF, a url that is an absolute http(s) URL, and all of its texts together at most
// 6,000; allowed_mentions.parse, when given, a subset of roles, users, everyone. Lengths
// are counted as JavaScript counts (UTF-16 units). Accepted messages are kept with the
// mentions Discord would act on (`pings`: "@everyone", "@here" and "<@id>"/"<@&id>" not
// escaped, unless allowed_mentions.parse is empty) and the masked links not escaped
// (`links`: "[label](url)"). Answers 204 (no ?wait=true). answerNext(429, {retryAfter,
// header}) answers the next request as Discord's rate limit does: 429 with
// {"message","retry_after":SECONDS,"global":false} and, unless header is false, Retry-After.
import { startHttpFake } from './http.mjs';

export const LIMITS = { content: 2000, title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, embed: 6000 };

const unescaped = (s) => s.replace(/\\[^0-9A-Za-z\s]/g, '');
export function discordMarkup(s) {
  const bare = unescaped(s ?? '');
  return {
    mentions: [...bare.matchAll(/@(everyone|here)\b|<@&?\d+>/g)].map((m) => m[0]),
    links: [...bare.matchAll(/\[[^\]]*\]\(\s*<?https?:[^)]*\)/g)].map((m) => m[0]),
  };
}

function embedErrors(e, i) {
  const errs = [];
  const len = (x) => (typeof x === 'string' ? x.length : 0);
  if (e.title !== undefined && (typeof e.title !== 'string' || e.title.length > LIMITS.title)) errs.push(`embeds.${i}.title`);
  if (e.description !== undefined && (typeof e.description !== 'string' || e.description.length > LIMITS.description)) errs.push(`embeds.${i}.description`);
  if (e.url !== undefined && !/^https?:\/\/\S+$/.test(e.url)) errs.push(`embeds.${i}.url`);
  if (e.color !== undefined && !(Number.isInteger(e.color) && e.color >= 0 && e.color <= 0xffffff)) errs.push(`embeds.${i}.color`);
  const fields = e.fields ?? [];
  if (!Array.isArray(fields) || fields.length > LIMITS.fields) errs.push(`embeds.${i}.fields`);
  let total = len(e.title) + len(e.description) + len(e.footer?.text) + len(e.author?.name);
  for (const [k, f] of fields.entries()) {
    if (typeof f.name !== 'string' || !f.name.length || f.name.length > LIMITS.fieldName) errs.push(`embeds.${i}.fields.${k}.name`);
    if (typeof f.value !== 'string' || !f.value.length || f.value.length > LIMITS.fieldValue) errs.push(`embeds.${i}.fields.${k}.value`);
    if (f.inline !== undefined && typeof f.inline !== 'boolean') errs.push(`embeds.${i}.fields.${k}.inline`);
    total += len(f.name) + len(f.value);
  }
  if (e.footer !== undefined && (typeof e.footer.text !== 'string' || e.footer.text.length > LIMITS.footer)) errs.push(`embeds.${i}.footer.text`);
  if (total > LIMITS.embed) errs.push(`embeds.${i}: embed size exceeds maximum size of ${LIMITS.embed}`);
  return errs;
}

export function discordErrors(raw) {
  let p;
  try { p = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)); } catch { return ['body: invalid JSON']; }
  const errs = [];
  if (!p || (typeof p.content !== 'string' && !Array.isArray(p.embeds))) return ['Cannot send an empty message'];
  if (p.content !== undefined && (typeof p.content !== 'string' || p.content.length > LIMITS.content)) errs.push('content');
  if (p.embeds !== undefined) {
    if (!Array.isArray(p.embeds) || p.embeds.length > 10) errs.push('embeds');
    else p.embeds.forEach((e, i) => errs.push(...embedErrors(e, i)));
  }
  const am = p.allowed_mentions;
  if (am !== undefined && (!am || (am.parse !== undefined && (!Array.isArray(am.parse) || am.parse.some((x) => !['roles', 'users', 'everyone'].includes(x))))))
    errs.push('allowed_mentions');
  return errs;
}

export async function startDiscord() {
  const queue = [];
  const path = '/api/webhooks/123456789012345678/webhook-token_XYZ';
  const fake = await startHttpFake((r) => {
    if (r.method !== 'POST' || r.url !== path) return { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
    if (!/^application\/json/.test(r.headers['content-type'] || '')) return { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } };
    const errs = discordErrors(r.raw);
    if (errs.length) { fake.invalid.push({ errors: errs, body: r.body, at: r.at }); return { status: 400, body: { code: 50035, message: 'Invalid Form Body', errors: errs } }; }
    const p = JSON.parse(r.body);
    const next = queue.shift();
    if (next) {
      fake.refused.push({ ...p, at: r.at });
      if (next.status === 429) {
        const headers = next.header === false ? {} : { 'Retry-After': String(Math.ceil(next.retryAfter)) };
        return { status: 429, headers, body: { message: 'You are being rate limited.', retry_after: next.retryAfter, global: false } };
      }
      return { status: next.status, body: { message: 'error', code: 0 } };
    }
    const muted = Array.isArray(p.allowed_mentions?.parse) && p.allowed_mentions.parse.length === 0;
    const texts = [p.content, ...(p.embeds ?? []).flatMap((e) => [e.title, e.description, e.footer?.text, ...(e.fields ?? []).flatMap((f) => [f.name, f.value])])];
    const found = texts.map(discordMarkup);
    fake.messages.push({ ...p, pings: muted ? [] : found.flatMap((x) => x.mentions), mentions: found.flatMap((x) => x.mentions), links: found.flatMap((x) => x.links), at: r.at });
    return { status: 204, body: '' };
  });
  Object.assign(fake, {
    messages: [], refused: [], invalid: [],
    answerNext(status, { retryAfter = 1, header = true } = {}) { queue.push({ status, retryAfter, header }); },
  });
  fake.url = `${fake.base}${path}`;
  return fake;
}
