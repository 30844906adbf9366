// Valid HTML (SPEC §6): the W3C Nu checker (npm vnu-jar, on Debian's Java) reports no
// error on any public page or console screen (tests/e2e/lib/screens.mjs) nor on the HTML
// part of each kind of e-mail (an update, a subscription confirmation, a team
// invitation, as the local SMTP server received them). The documents are fetched over
// HTTP, written to a temporary directory and checked by one vnu run (the JVM is slow
// to start); each error is reported with its document, line and the checker's words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startScreens, seedScreens, stopScreens, html, SETUP } from './lib/screens.mjs';

const VNU = createRequire(import.meta.url).resolve('vnu-jar/build/dist/vnu.jar');

let w, dir;
before(async () => { w = await startScreens(); dir = mkdtempSync(path.join(tmpdir(), 'pharos-vnu-')); });
after(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (w) await stopScreens(w);
});

test('the Nu checker finds no error on any page, screen or e-mail', async () => {
  const docs = new Map(); // file → what it is
  const keep = (name, text, where = '') => {
    const file = path.join(dir, `${String(docs.size).padStart(2, '0')}-${name}.html`);
    writeFileSync(file, text);
    docs.set(file, where ? `${name} (${where})` : name);
  };
  keep('admin-setup', await html(w.s, SETUP), SETUP.path);
  const seen = await seedScreens(w);
  for (const x of seen.public) keep(`public-${x.name}`, await html(w.s, x), x.path);
  for (const x of seen.doors) keep(`admin-${x.name}`, await html(w.s, x), x.path);
  for (const x of seen.console) keep(`admin-${x.name}`, await html(w.s, x, seen.owner), x.path);
  for (const [kind, mail] of Object.entries(seen.mails)) {
    assert.ok(mail.html, `the ${kind} e-mail has an HTML part`);
    keep(`email-${kind}`, mail.html);
  }

  const r = spawnSync('java', ['-jar', VNU, '--format', 'json', '--errors-only', '--stdout', ...docs.keys()],
    { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 150000 });
  assert.ok(!r.error, `could not run java (scripts/deps.sh test installs default-jre-headless): ${r.error}`);
  let out;
  try { out = JSON.parse(r.stdout); } catch { assert.fail(`vnu exited ${r.status}:\n${r.stdout}\n${r.stderr}`); }
  const errors = out.messages.filter((m) => m.type === 'error' || m.subType === 'fatal');
  const lines = errors.map((m) => {
    const file = m.url ? fileURLToPath(m.url) : '';
    return `  ${docs.get(file) || file}:${m.lastLine ?? '?'}: ${m.message}` +
      (m.extract ? `\n      ${m.extract.replace(/\s+/g, ' ').trim()}` : '');
  });
  assert.equal(errors.length, 0, `the Nu checker found ${errors.length} error(s) in ${docs.size} documents:\n${lines.join('\n')}`);
  // Every document was read (a file vnu could not open is a "non-document-error").
  assert.ok(!out.messages.some((m) => m.type === 'non-document-error'), JSON.stringify(out.messages.slice(0, 5)));
});
