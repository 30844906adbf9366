// WCAG 2.1 AA (SPEC §6), the public side: axe-core finds no violation on the console's
// first-run setup, any public page or any signed-out screen (tests/e2e/lib/screens.mjs), in
// light and dark, at phone and desktop width (tests/e2e/lib/a11y.mjs).
import { test } from 'node:test';
import { seedScreens, SETUP } from './lib/screens.mjs';
import { a11ySuite } from './lib/a11y.mjs';

const { ctx, check } = a11ySuite();
let seen;

test('console: first-run setup', () => check('admin', SETUP));

test('public pages', async (t) => {
  seen = await seedScreens(ctx.w);
  for (const screen of seen.public) await t.test(screen.name, () => check('public', screen));
});

test('console: signed-out screens', async (t) => {
  for (const screen of seen.doors) await t.test(screen.name, () => check('admin', screen));
});
