import { expect, test } from '../fixtures';
import { saveWorkflow, stillWorkflow } from '../workflow-fixtures';

/**
 * Issue #18: a deep link opened on a first start (a fresh data directory, no preflight report
 * yet) lands where it points; preflight runs and reports in the sidebar without taking the page away.
 */
test.use({ firstStart: true });

test('a workflow deep link on a first start keeps its page while preflight runs and reports', async ({ page, host, request }) => {
  await saveWorkflow(request, host, stillWorkflow('deep.still', 'Deep still'));
  await page.goto(`${host.url}#/workflows/deep.still`);

  const heading = page.getByRole('heading', { level: 1, name: 'Workflow: Deep still' });
  await expect(heading).toBeVisible();
  // No report exists yet, so preflight runs in the background and the sidebar says how it went.
  const preflight = page.getByRole('complementary').getByRole('status', { name: 'Preflight' });
  await expect(preflight).toHaveText('Preflight: Ready', { timeout: 90_000 });
  // The page never moved.
  await expect(heading).toBeVisible();
  expect(new URL(page.url()).hash).toBe('#/workflows/deep.still');
  await expect(page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Workflows', exact: true })).toHaveAttribute('aria-current', 'page');

  // The run was stored: the Preflight page shows that report instead of running again.
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Preflight', exact: true }).click();
  const report = page.getByRole('region', { name: 'Preflight report' });
  await expect(report.getByText('Ready', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run preflight' })).toBeEnabled();
});

test('a comparison deep link with the token after its route lands on the comparison page, token out of the URL', async ({ page, host }) => {
  await page.goto(`${host.origin}/#/comparisons/cmp-that-does-not-exist?token=${encodeURIComponent(host.token)}`);

  await expect(page.getByRole('heading', { level: 1, name: 'Comparison' })).toBeVisible();
  await expect(page.getByText(/The comparison could not be loaded: .*cmp-that-does-not-exist/)).toBeVisible();
  expect(page.url()).not.toContain('token=');
  expect(new URL(page.url()).hash).toBe('#/comparisons/cmp-that-does-not-exist');
  // Preflight still runs for this first start, reported beside the page, which stays.
  await expect(page.getByRole('complementary').getByRole('status', { name: 'Preflight' })).toHaveText('Preflight: Ready', { timeout: 90_000 });
  await expect(page.getByRole('heading', { level: 1, name: 'Comparison' })).toBeVisible();
  expect(new URL(page.url()).hash).toBe('#/comparisons/cmp-that-does-not-exist');
});
