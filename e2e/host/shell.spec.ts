import fs from 'node:fs';
import { expect, test } from '../fixtures';

const AREAS = ['Workflows', 'Runs', 'Orders', 'CAD library', 'Output types', 'Comparisons', 'Farm', 'Preflight', 'Settings'];
/** A screenshot of each area at both window sizes, for a reviewer who does not run the app. */
const SHOTS = 'test-results/screenshots';
const SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
];
const slug = (area: string) => area.toLowerCase().replace(/[^a-z0-9]+/g, '-');

test('the app loads with every area in the navigation, and each area opens its page', async ({ page, host }) => {
  await page.goto(host.url);

  const nav = page.getByRole('navigation', { name: 'Areas' });
  await expect(nav.getByRole('link')).toHaveText(AREAS);
  // "/" lands on Preflight.
  await expect(page.getByRole('heading', { level: 1, name: 'Preflight' })).toBeVisible();
  // The token left the visible URL.
  expect(page.url()).not.toContain('token=');

  // Every area is built now: none shows the placeholder any more. Each is photographed at 1440×900
  // and 1024×700 under test-results/screenshots/<area>-<size>.png.
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const area of AREAS) {
      await nav.getByRole('link', { name: area, exact: true }).click();
      await expect(page.getByRole('heading', { level: 1 }).first()).toContainText(area === 'CAD library' ? /CAD library/ : new RegExp(area, 'i'));
      await expect(page.getByRole('main')).not.toContainText(/not built yet/i);
      // What the page reads on arrival is drawn before the picture.
      await expect(page.getByRole('main').getByText(/^(Loading|Reading)\b/)).toHaveCount(0);
      const file = `${SHOTS}/${slug(area)}-${size.width}x${size.height}.png`;
      await page.screenshot({ path: file });
      expect(fs.statSync(file).size).toBeGreaterThan(0);
    }
  }
});

test('the Farm page shows the farm, not started until the first render', async ({ page, host }) => {
  await page.goto(host.url);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Farm' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Farm' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Not started' })).toContainText(/Blender process(es)?, (warm|cold) mode/);
  await expect(page.getByRole('heading', { name: 'Queue' })).toBeVisible();
  await expect(page.getByText('The queue is empty.')).toBeVisible();
});
