// "Sign in with SSO" in a real browser (playwright-core driving Debian's chromium,
// headless) against a real OpenID provider (npm oidc-provider on loopback): the login
// page's button, the provider's redirects, the waiting page's refresh and the
// dashboard, with no console error or CSP violation on the way; a second person of a
// domain not allowed stays on the login page with the reason. Screenshots go to
// test-artifacts/oidc-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { cli, tempDir, startServer } from './lib/harness.mjs';
import { stopClean } from './lib/admin.mjs';
import { startProvider } from './lib/oidc_provider.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const artifacts = path.join(root, 'test-artifacts');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

test('Sign in with SSO in Chromium', async (t) => {
  mkdirSync(artifacts, { recursive: true });
  const idp = await startProvider();
  const dataDir = tempDir('pharos-oidc-browser-');
  assert.equal(cli(['user', 'add', '--email', 'owner@allowed.test', '--role', 'owner'], { dataDir, input: 'password-123\n' }).code, 0);
  const s = await startServer({
    dataDir,
    env: {
      PHAROS_OIDC_ISSUER: idp.issuer, PHAROS_OIDC_CLIENT_ID: 'pharos-browser',
      PHAROS_OIDC_CLIENT_SECRET: 'pharos-browser-secret', PHAROS_OIDC_ALLOWED_DOMAINS: 'allowed.test',
    },
  });
  idp.setClient({ clientId: 'pharos-browser', clientSecret: 'pharos-browser-secret', redirectUri: `${s.url}/admin/oidc/callback` });
  idp.account('dana@allowed.test');
  idp.account('erin@elsewhere.test');
  const profile = mkdtempSync(path.join(tmpdir(), 'pharos-oidc-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
  t.after(async () => {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
    await stopClean(s);
    await idp.stop();
  });
  const page = ctx.pages()[0] || await ctx.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));

  idp.signInAs('dana@allowed.test');
  await page.goto(`${s.url}/admin/login`);
  await page.screenshot({ path: path.join(artifacts, 'oidc-login.png'), fullPage: true });
  await page.getByRole('link', { name: 'Sign in with SSO' }).click();
  await page.waitForURL(`${s.url}/admin`, { timeout: 20000 });
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.screenshot({ path: path.join(artifacts, 'oidc-dashboard.png'), fullPage: true });

  // another browser profile's worth: the cookies cleared, a person of another domain
  await ctx.clearCookies();
  idp.signInAs('erin@elsewhere.test');
  await page.goto(`${s.url}/admin/login`);
  await page.getByRole('link', { name: 'Sign in with SSO' }).click();
  await page.getByText('may not sign in with single sign-on').waitFor({ timeout: 20000 });
  assert.match(new URL(page.url()).pathname, /^\/admin\/oidc\//);
  await page.screenshot({ path: path.join(artifacts, 'oidc-refused.png'), fullPage: true });
  assert.deepEqual(problems.filter((p) => !/status of 403/.test(p)), []);
});
