// WCAG 2.1 AA (SPEC §6): axe-core finds no violation on any public page or console
// screen (tests/e2e/lib/screens.mjs), in light and dark colour schemes, on a phone
// (375 px) and a desktop (1280 px). One Chromium page visits every screen once, injects
// axe-core and checks the four views in turn (the viewport and the emulated scheme
// change in place). Every rule axe enables by default runs, best practices included.
// A violation is reported as its rule, impact, views and the selectors of the elements;
// screenshots of each view go to test-artifacts/a11y-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startScreens, seedScreens, stopScreens, SETUP, PRIVATE_HOST } from './lib/screens.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const artifacts = path.join(root, 'test-artifacts');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const VIEWS = [['phone', 375, 'light'], ['phone-dark', 375, 'dark'], ['desktop', 1280, 'light'], ['desktop-dark', 1280, 'dark']];

let w, seen, ctx, page, profile;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  w = await startScreens();
  profile = mkdtempSync(path.join(tmpdir(), 'pharos-a11y-chromium-'));
  ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // axe-core goes in as an inline script, which the pages' CSP forbids.
    bypassCSP: true,
    args: [`--host-resolver-rules=MAP ${PRIVATE_HOST} 127.0.0.1`, '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  page = ctx.pages()[0] || await ctx.newPage();
});
after(async () => {
  await ctx?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (w) await stopScreens(w);
});

// axe's violations in the page as it is now: [{id, impact, help, nodes: [{target, message}]}].
function axeRun() {
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target.join(' '),
        message: [...n.any, ...n.all, ...n.none].map((c) => c.message).filter(Boolean)[0] || '',
      })),
    }));
  });
}

// Opens SCREEN ({name, path, status}) and checks it in every view; KIND names the screenshots.
async function check(kind, screen) {
  const base = screen.host ? `http://${screen.host}:${w.s.port}` : w.s.url;
  const r = await page.goto(base + screen.path, { waitUntil: 'load' });
  assert.equal(r.status(), screen.status, `${screen.path}: HTTP status`);
  await page.addScriptTag({ content: AXE });
  // "rule (impact): help" → element → message → the views it was seen in
  const found = new Map();
  for (const [view, width, scheme] of VIEWS) {
    await page.setViewportSize({ width, height: 900 });
    await page.emulateMedia({ colorScheme: scheme });
    // WCAG 1.4.10 Reflow (axe does not test it): no sideways scrolling at 375 px
    const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (over > 0) {
      const rule = 'reflow (serious): the page scrolls sideways (WCAG 1.4.10)';
      if (!found.has(rule)) found.set(rule, new Map());
      const key = `wider than the viewport by ${over}px`;
      found.get(rule).set(key, [...(found.get(rule).get(key) || []), view]);
    }
    for (const v of await axeRun()) {
      const rule = `${v.id} (${v.impact}): ${v.help}`;
      if (!found.has(rule)) found.set(rule, new Map());
      for (const n of v.nodes) {
        const key = `${n.target}${n.message ? ' — ' + n.message : ''}`;
        found.get(rule).set(key, [...(found.get(rule).get(key) || []), view]);
      }
    }
    await page.screenshot({ path: path.join(artifacts, `a11y-${kind}-${screen.name}-${view}.png`), fullPage: true });
  }
  if (found.size === 0) return;
  const lines = [];
  for (const [rule, nodes] of found) {
    lines.push(`  ${rule}`);
    for (const [node, views] of nodes) lines.push(`    ${node} [${views.join(', ')}]`);
  }
  assert.fail(`axe-core: ${found.size} rule(s) violated on ${screen.name} (${screen.path}):\n${lines.join('\n')}`);
}

test('console: first-run setup', () => check('admin', SETUP));

test('public pages', async (t) => {
  seen = await seedScreens(w);
  for (const screen of seen.public) await t.test(screen.name, () => check('public', screen));
});

test('console: signed-out screens', async (t) => {
  for (const screen of seen.doors) await t.test(screen.name, () => check('admin', screen));
});

test('console: every screen of a signed-in owner', async (t) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(w.s.url + '/admin/login');
  await page.fill('#email', 'owner@example.test');
  await page.fill('#password', 'owner-password');
  await Promise.all([page.waitForURL(w.s.url + '/admin'), page.click('button[type=submit]')]);
  for (const screen of seen.console) await t.test(screen.name, () => check('admin', screen));
});
