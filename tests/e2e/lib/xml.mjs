// xmllint (Debian's libxml2-utils) on a document held in memory: the feed suites read
// RSS and Atom with a real XML parser, not with regular expressions.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Runs `xmllint ARGS… FILE` on TEXT; returns {status, stdout, stderr}.
export function xmllint(text, args = []) {
  const dir = mkdtempSync(path.join(tmpdir(), 'pharos-xml-'));
  const f = path.join(dir, 'doc.xml');
  writeFileSync(f, text);
  const r = spawnSync('xmllint', [...args, f], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  return r;
}

// The text of XPath EXPR in TEXT; throws when xmllint fails (no match, bad XML).
export function xpath(text, expr) {
  const r = xmllint(text, ['--xpath', expr]);
  if (r.status !== 0) throw new Error(`xmllint ${expr}: ${r.stderr}`);
  return r.stdout.trim();
}
