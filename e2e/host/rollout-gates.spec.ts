import { expect, test } from '../fixtures';
import { callApi } from '../production-fixtures';
import { prepareRuns } from '../run-fixtures';
import { createLine, dispatchAndWait, waitForComparison } from '../review-fixtures';

const KEY = 'still_white_2k';

/** Issue 19: the rollout screen shows the three gates with their progress, and Enable graph follows them. */
test('the rollout screen shows the gates and their progress; coverage short of the rule keeps graph off until the rule is met', async ({ page, host, request }) => {
  test.setTimeout(300_000);
  const { cadFileId } = await prepareRuns(request, host);
  const lineId = await createLine(request, host, cadFileId, KEY);
  expect((await dispatchAndWait(request, host, lineId, 'shadow')).line.status).toBe('succeeded');
  const made = await waitForComparison(request, host, KEY);
  expect(made.verdict).toBe('pass');
  await callApi(request, host, 'comparisons.review', { comparisonId: made.id, decision: 'approve', note: 'e2e' });

  await page.goto(`${host.url}#/output-types/${KEY}/rollout`);
  const gates = page.getByRole('table', { name: 'Gates to enable graph' });
  const row = (gate: string) => gates.getByRole('row', { name: new RegExp(`^${gate}`) });
  await expect(row('Approved pass')).toContainText('yes');
  await expect(row('Error rate')).toContainText('yes');
  await expect(row('Error rate')).toContainText('graph (revision 1) failed 0 of 1 (0 %), legacy failed 0 of 1 (0 %)');
  await expect(row('Shadow coverage')).toContainText('no');
  await expect(row('Shadow coverage')).toContainText('its shadow coverage is short: 1 of 3 passes, 1 of 2 CAD files');
  await expect(page.getByText(/Rules: error rates over the last 30 days or the last 50 runs, whichever is fewer; 3 passing comparisons on 2 CAD files/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Enable graph' })).toBeDisabled();
  await expect(page.getByText('Graph cannot be enabled: its shadow coverage is short: 1 of 3 passes, 1 of 2 CAD files. Run it in shadow until it passes these gates, or override with a reason.')).toBeVisible();

  // A lead sets this output type's own rule: one pass on one file. The gate is met and graph can be enabled.
  await callApi(request, host, 'rollout.setRules', { target: KEY, minPasses: 1, minCadFiles: 1 });
  await page.reload();
  await expect(row('Shadow coverage')).toContainText('yes');
  await expect(row('Shadow coverage')).toContainText('1 of 1 passes, 1 of 1 CAD files');
  await expect(page.getByText(/1 passing comparisons \(this output type\) on 1 CAD files \(this output type\)/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Enable graph' })).toBeEnabled();
});
