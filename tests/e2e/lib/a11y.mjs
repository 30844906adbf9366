// The axe-core check of tests/e2e/a11y_*_browser.test.mjs (WCAG 2.1 AA, SPEC §6): a server
// filled by lib/screens.mjs, one Chromium page that visits screens, injects axe-core and
// checks four views of each (phone and desktop width, light and dark; the viewport and the
// emulated scheme change in place), and WCAG 1.4.10 reflow at 375 px, which axe does not
// test. Every rule axe enables by default runs, best practices included. A violation is
// reported as its rule, impact, views and the selectors of the elements; screenshots of
// each view go to test-artifacts/a11y-*.png. The public pages and the console are two
// suites, so they run side by side.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startScreens, stopScreens, PRIVATE_HOST } from './screens.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const artifacts = path.join(root, 'test-artifacts');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const VIEWS = [['phone', 375, 'light'], ['phone-dark', 375, 'dark'], ['desktop', 1280, 'light'], ['desktop-dark', 1280, 'dark']];

// Registers the suite's before/after hooks; returns {ctx, check} where ctx.w is the server
// (lib/screens.mjs) and ctx.page the Chromium page once the hooks ran.
export function a11ySuite() {
  const st = {};
  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    st.w = await startScreens();
    st.profile = mkdtempSync(path.join(tmpdir(), 'pharos-a11y-chromium-'));
    st.browser = await chromium.launchPersistentContext(st.profile, {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      // axe-core goes in as an inline script, which the pages' CSP forbids.
      bypassCSP: true,
      args: [`--host-resolver-rules=MAP ${PRIVATE_HOST} 127.0.0.1`, '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    st.page = st.browser.pages()[0] || await st.browser.newPage();
  });
  after(async () => {
    await st.browser?.close();
    if (st.profile) rmSync(st.profile, { recursive: true, force: true });
    if (st.w) await stopScreens(st.w);
  });
  return { ctx: st, check: (kind, screen) => check(st, kind, screen) };
}

// axe's violations in the page as it is now: [{id, impact, help, nodes: [{target, message}]}].
function axeRun(page) {
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
async function check({ w, page }, kind, screen) {
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
    for (const v of await axeRun(page)) {
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
