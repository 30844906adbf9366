// WCAG 2.1 AA (SPEC §6), the console: axe-core finds no violation on any screen of a
// signed-in owner (tests/e2e/lib/screens.mjs), in light and dark, at phone and desktop
// width (tests/e2e/lib/a11y.mjs).
import { test } from 'node:test';
import { seedScreens } from './lib/screens.mjs';
import { a11ySuite } from './lib/a11y.mjs';

const { ctx, check } = a11ySuite();

test('console: every screen of a signed-in owner', async (t) => {
  const seen = await seedScreens(ctx.w);
  const { page, w } = ctx;
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(w.s.url + '/admin/login');
  await page.fill('#email', 'owner@example.test');
  await page.fill('#password', 'owner-password');
  await Promise.all([page.waitForURL(w.s.url + '/admin'), page.click('button[type=submit]')]);
  for (const screen of seen.console) await t.test(screen.name, () => check('admin', screen));
});
