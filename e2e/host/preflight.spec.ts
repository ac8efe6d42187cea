import { execFileSync } from 'node:child_process';
import { expect, test } from '../fixtures';
import { STEP_FILE, callApi, importCadThroughApi } from '../production-fixtures';
import { migrateLegacyExamples } from '../run-fixtures';
import { createLine, dispatchAndWait, waitForComparison } from '../review-fixtures';

// An empty data directory: the first open of the app runs preflight.
test.use({ firstStart: true });

/** What Blender itself says its version is, found independently of the app. */
function blenderVersion(): string {
  const blender = process.env.BLENDER_PATH ?? '/usr/bin/blender';
  const output = execFileSync(blender, ['--version'], { encoding: 'utf8', timeout: 60_000 });
  const match = /Blender (\d+\.\d+\.\d+)/.exec(output);
  if (!match?.[1]) throw new Error(`could not read a version from \`${blender} --version\`:\n${output}`);
  return match[1];
}

test('preflight shows the real Blender version and Ready', async ({ page, host }) => {
  const version = blenderVersion();
  await page.goto(host.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Preflight' })).toBeVisible();

  // No report exists in a fresh data directory, so the first open runs one.
  const report = page.getByRole('region', { name: 'Preflight report' });
  await expect(report.getByText(`Blender ${version}`, { exact: true })).toBeVisible({ timeout: 90_000 });
  await expect(report.getByText('Ready', { exact: true })).toBeVisible();
  await expect(report.getByRole('table', { name: 'Preflight checks' })).toBeVisible();
  await expect(report.getByRole('table', { name: 'Engines that render headless' })).toBeVisible();
});

test.describe('first-run checklist', () => {
  // A machine that passed preflight (the usual stored report).
  test.use({ firstStart: false });

  test('after preflight, the checklist ticks each first step from real data, links to where it is done, and can be dismissed for good', async ({ page, host, request }) => {
    test.setTimeout(300_000);
    await page.goto(`${host.url}#/preflight`);
    const checklist = page.getByRole('region', { name: 'Getting started' });
    await expect(checklist).toBeVisible();
    const progress = checklist.getByRole('status', { name: 'Getting started progress' });
    await expect(progress).toHaveText('0 of 5 done');
    const steps = checklist.getByRole('list', { name: 'First steps' }).getByRole('listitem');
    await expect(steps).toHaveCount(5);
    const step = (n: number, title: string, done: boolean) => checklist.getByRole('listitem', { name: `Step ${n}: ${title}, ${done ? 'done' : 'not done'}` });
    await expect(step(1, 'Import a CAD file', false)).toBeVisible();
    await expect(step(2, 'Import legacy presets', false)).toBeVisible();
    await expect(step(3, 'Create an order', false)).toBeVisible();
    await expect(step(4, 'Dispatch an order line', false)).toBeVisible();
    await expect(step(5, 'Review a shadow comparison', false)).toBeVisible();
    // Each step links to where it is done.
    await expect(step(2, 'Import legacy presets', false).getByRole('link', { name: 'Workflows → Import legacy presets' })).toHaveAttribute('href', '#/workflows');
    await expect(step(1, 'Import a CAD file', false).getByRole('link', { name: 'CAD library → Import' })).toHaveAttribute('href', '#/cad-library');
    // The sidebar reminds of it too.
    const reminder = page.getByRole('complementary').getByRole('link', { name: 'Getting started: 0 of 5 done' });
    await expect(reminder).toBeVisible();

    // Each step is done elsewhere (here through the API); coming back shows it ticked.
    const cad = await importCadThroughApi(request, host, STEP_FILE);
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'CAD library', exact: true }).click();
    await page.getByRole('complementary').getByRole('link', { name: /^Getting started:/ }).click();
    await expect(step(1, 'Import a CAD file', true)).toBeVisible();
    await expect(step(2, 'Import legacy presets', false)).toBeVisible();
    await expect(progress).toHaveText('1 of 5 done');

    await migrateLegacyExamples(request, host);
    const lineId = await createLine(request, host, cad.id, 'still_white_2k', 'First order');
    await page.reload();
    await expect(step(2, 'Import legacy presets', true)).toBeVisible();
    await expect(step(3, 'Create an order', true)).toBeVisible();
    await expect(step(4, 'Dispatch an order line', false)).toBeVisible();
    await expect(page.getByRole('complementary').getByRole('link', { name: 'Getting started: 3 of 5 done' })).toBeVisible();

    // Dismissed: gone from the page and the sidebar, also after a reload; it can be shown again.
    await checklist.getByRole('button', { name: 'Dismiss the checklist' }).click();
    await expect(checklist).toHaveCount(0);
    await expect(page.getByRole('complementary').getByRole('link', { name: /^Getting started:/ })).toHaveCount(0);
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Preflight' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Show the getting-started checklist' })).toBeVisible();
    await expect(checklist).toHaveCount(0);
    await expect(page.getByRole('complementary').getByRole('link', { name: /^Getting started:/ })).toHaveCount(0);
    await page.getByRole('button', { name: 'Show the getting-started checklist' }).click();
    await expect(progress).toHaveText('3 of 5 done');

    // Dispatch (shadow, so a comparison is made) and review it: every step is done and the reminder goes.
    await dispatchAndWait(request, host, lineId, 'shadow');
    const comparison = await waitForComparison(request, host, 'still_white_2k');
    await page.reload();
    await expect(step(4, 'Dispatch an order line', true)).toBeVisible();
    await expect(step(5, 'Review a shadow comparison', false)).toBeVisible();
    await callApi(request, host, 'comparisons.review', { comparisonId: comparison.id, decision: 'approve', note: 'e2e: first run' });
    await page.reload();
    await expect(progress).toHaveText('5 of 5 done');
    await expect(step(5, 'Review a shadow comparison', true)).toBeVisible();
    await expect(page.getByRole('complementary').getByRole('link', { name: /^Getting started:/ })).toHaveCount(0);
  });
});
