import { expect, test } from '../fixtures';

const AREAS = ['Workflows', 'Runs', 'Orders', 'CAD library', 'Output types', 'Comparisons', 'Farm', 'Preflight', 'Settings'];

test('the app loads with every area in the navigation; Farm says it is not built yet', async ({ page, host }) => {
  await page.goto(host.url);

  const nav = page.getByRole('navigation', { name: 'Areas' });
  await expect(nav.getByRole('link')).toHaveText(AREAS);
  // "/" lands on Preflight.
  await expect(page.getByRole('heading', { level: 1, name: 'Preflight' })).toBeVisible();
  // The token left the visible URL.
  expect(page.url()).not.toContain('token=');

  await nav.getByRole('link', { name: 'Farm' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Farm' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText(/not built yet/i);
  await expect(page.getByRole('main')).toContainText('the render queue, Blender processes and their logs');
});
