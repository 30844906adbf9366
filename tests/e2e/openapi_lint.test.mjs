// src/api/openapi.json passes Spectral's OpenAPI rules (spectral:oas) with no error
// and no warning (issue 11): the locally installed @stoplight/spectral-cli (package.json)
// runs with the repository's .spectral.yaml, offline — lib/no_network.cjs makes every
// name lookup and connection fail and say so, and the test refuses any such attempt.
// The ruleset relaxes nothing. Also checked here, where spectral:oas does not look:
// every operation has a summary and a description, every tag a description, and the
// document keeps its formatting (2-space JSON, as JSON.stringify and Python's json.dumps
// with indent=2 write it), so edits make small diffs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DOC = 'src/api/openapi.json';
const RULESET = '.spectral.yaml';
const SPECTRAL = 'node_modules/@stoplight/spectral-cli/dist/index.js';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const text = readFileSync(path.join(root, DOC), 'utf8');
const doc = JSON.parse(text);

test('the ruleset is spectral:oas, nothing relaxed', () => {
  const rules = readFileSync(path.join(root, RULESET), 'utf8').replace(/^\s*#.*$/gm, '').trim();
  assert.equal(rules, 'extends: ["spectral:oas"]');
});

test('spectral lint (spectral:oas): no error, no warning, and no network used', () => {
  assert.ok(existsSync(path.join(root, SPECTRAL)), `${SPECTRAL} is missing: run npm ci (make test does)`);
  const r = spawnSync(process.execPath, ['--require', './tests/e2e/lib/no_network.cjs', SPECTRAL, 'lint',
    '--ruleset', RULESET, '--format', 'json', '--fail-severity', 'warn', DOC],
  { cwd: root, encoding: 'utf8', timeout: 120000, env: { ...process.env, SCARF_ANALYTICS: 'false' } });
  assert.doesNotMatch(r.stderr, /no_network:/, `spectral tried the network:\n${r.stderr}`);
  const json = r.stdout.slice(r.stdout.indexOf('['), r.stdout.lastIndexOf(']') + 1);
  let results;
  try { results = JSON.parse(json); } catch { assert.fail(`spectral printed no results (exit ${r.status}):\n${r.stdout}\n${r.stderr}`); }
  const shown = results.map((x) => `${['error', 'warning', 'info', 'hint'][x.severity]} ${x.code} at ${x.path.join('.')}: ${x.message}`);
  assert.deepEqual(shown.filter((x) => /^(error|warning) /.test(x)), [], 'spectral:oas errors and warnings');
  assert.equal(r.status, 0, `spectral exit ${r.status}:\n${r.stderr}`);
});

test('every operation has a summary and a description; every tag a description; contact and licence', () => {
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of METHODS.filter((x) => item[x])) {
      const op = item[m];
      assert.ok(op.summary?.trim(), `${m.toUpperCase()} ${p}: summary`);
      assert.ok(op.description?.trim(), `${m.toUpperCase()} ${p}: description`);
    }
  }
  assert.ok(doc.tags.length > 0);
  for (const t of doc.tags) assert.ok(t.description?.trim(), `tag ${t.name}: description`);
  assert.ok(doc.info.contact?.name, 'info.contact');
  assert.ok(doc.info.license?.name, 'info.license');
});

test('the document keeps its formatting: 2-space JSON and a final newline', () => {
  assert.equal(JSON.stringify(doc, null, 2) + '\n', text);
});
