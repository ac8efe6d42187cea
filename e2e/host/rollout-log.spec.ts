import { expect, test } from '../fixtures';
import { callApi } from '../production-fixtures';
import { migrateLegacyExamples } from '../run-fixtures';

const KEY = 'still_white_2k';

/** Issue 21: the mode log pages through rollout.log, so a history longer than rollout.status's newest 50 is all reachable. */
test('the rollout page reads the mode log a page at a time: older changes load on request, the workflow log lists workflow changes only', async ({ page, host, request }) => {
  await migrateLegacyExamples(request, host);
  // 60 changes of the output type (more than a page and more than rollout.status carries), then one of its workflow.
  for (let i = 0; i < 60; i += 1) await callApi(request, host, 'rollout.set', { target: KEY, mode: i % 2 === 0 ? 'shadow' : 'legacy', reason: `e2e change ${i + 1}` });
  await callApi(request, host, 'rollout.set', { target: 'legacy.still_default', mode: 'shadow', reason: 'e2e workflow change' });

  await page.goto(`${host.url}#/output-types/${KEY}/rollout`);
  const log = page.getByRole('table', { name: 'Mode changes' });
  const rows = log.getByRole('row');
  // The header and the first page (50): the newest first, its workflow's change among them.
  await expect(rows).toHaveCount(51);
  await expect(rows.nth(1)).toContainText('workflow legacy.still_default');
  await expect(rows.nth(2)).toContainText('e2e change 60');
  await expect(page.getByText('The newest 50 changes; older ones follow.')).toBeVisible();
  await page.getByRole('button', { name: 'Load more changes' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screenshots/rollout-log-more-1440x900.png' });
  await page.getByRole('button', { name: 'Load more changes' }).click();
  await expect(rows).toHaveCount(62);
  await expect(rows.last().getByRole('cell').last()).toHaveText('e2e change 1');
  await expect(page.getByText('All 61 changes.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Load more changes' })).toHaveCount(0);
  for (const [width, height] of [[1440, 900], [1024, 700]] as const) {
    await page.setViewportSize({ width, height });
    await rows.last().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `test-results/screenshots/rollout-log-end-${width}x${height}.png` });
  }

  // A change made on the page shows at the top of the log at once.
  await page.getByRole('button', { name: 'Run in shadow' }).click();
  await expect(rows.nth(1)).toContainText('legacy → shadow');
  await expect(rows).toHaveCount(51);

  // The output types page lists the workflows' changes, not the output types'.
  await page.goto(`${host.url}#/output-types`);
  const workflowLog = page.getByRole('table', { name: 'Workflow mode changes' });
  await expect(workflowLog.getByRole('row')).toHaveCount(2);
  await expect(workflowLog).toContainText('e2e workflow change');
});
