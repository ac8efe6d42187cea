import { expect, test } from '../fixtures';
import { callApi } from '../production-fixtures';
import { prepareRuns, saveWithNodeSettings } from '../run-fixtures';
import { createLine, dispatchAndWait, waitForComparison } from '../review-fixtures';

const KEY = 'still_white_2k';

test('a shadow dispatch is reviewed in the viewer, approved, graph is enabled, rolled back, and the next dispatch runs legacy', async ({ page, host, request }) => {
  test.setTimeout(480_000);
  const { cadFileId } = await prepareRuns(request, host);
  // This test makes one pass on one CAD file: the studio's coverage rule says that is enough (rollout-gates.spec covers the default).
  await callApi(request, host, 'rollout.setRules', { target: 'studio', minPasses: 1, minCadFiles: 1 });
  await page.goto(`${host.url}#/comparisons`);
  await expect(page.getByRole('heading', { level: 1, name: 'Comparisons' })).toBeVisible();
  await expect(page.getByText('No comparison yet: dispatch an order line in shadow mode.')).toBeVisible();

  // Before any shadow pass, enabling graph is blocked with its reason.
  await page.goto(`${host.url}#/output-types/${KEY}/rollout`);
  await expect(page.getByRole('button', { name: 'Enable graph' })).toBeDisabled();
  await expect(page.getByText(/Graph cannot be enabled: it has no shadow comparison yet/)).toBeVisible();

  // A shadow dispatch (through the API) with a small draft.
  const lineId = await createLine(request, host, cadFileId, KEY);
  const shadowLine = await dispatchAndWait(request, host, lineId, 'shadow');
  expect(shadowLine.line.status).toBe('succeeded');
  const made = await waitForComparison(request, host, KEY);
  // Same executors, seed and samples: the migrated graph gives the legacy pixels, a clean pass.
  expect(made.verdict).toBe('pass');
  // The review notification and the badge on the Comparisons area.
  const nav = page.getByRole('navigation', { name: 'Areas' });
  await expect(nav.getByRole('status', { name: /^1 review group awaiting a decision$/ })).toBeVisible();
  await expect(page.getByRole('log', { name: 'Review notifications' })).toContainText(`Shadow results of ${KEY} await a review decision`);

  // A pass not yet approved still blocks graph, with the backend's reason.
  await page.reload();
  await expect(page.getByRole('table', { name: 'Shadow history' }).getByRole('row')).toHaveCount(2);
  await expect(page.getByRole('button', { name: 'Enable graph' })).toBeDisabled();
  await expect(page.getByText(/Graph cannot be enabled: its latest shadow pass is not approved yet/)).toBeVisible();
  // The badge count is the backend's pendingGroups, not only what events said.
  await expect(nav.getByRole('status', { name: /^1 review group awaiting a decision$/ })).toBeVisible();

  await nav.getByRole('link', { name: 'Comparisons' }).click();
  // Review by revision is the default view; every comparison is one click away.
  await page.getByRole('tablist', { name: 'Comparisons view' }).getByRole('tab', { name: 'All comparisons' }).click();
  const latest = page.getByRole('table', { name: 'Latest verdict per output type' });
  const latestRow = latest.getByRole('row').filter({ has: page.getByRole('link', { name: `Latest comparison of ${KEY}` }) });
  await expect(latestRow.getByRole('cell').first()).toHaveText(made.verdict);
  await expect(latestRow).toContainText('pending review');
  const table = page.getByRole('table', { name: 'Comparisons' });
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table.getByRole('row').nth(1)).toContainText('legacy.still_default');
  await expect(table.getByRole('row').nth(1)).toContainText('Pending');
  // Filters: a verdict it does not have empties the list.
  const other = made.verdict === 'fail' ? 'pass' : 'fail';
  await page.getByRole('form', { name: 'Filters' }).getByLabel('Verdict').selectOption(other);
  await expect(page.getByText('No comparison matches.')).toBeVisible();
  await page.getByRole('form', { name: 'Filters' }).getByLabel('Verdict').selectOption(made.verdict);
  await table.getByRole('link', { name: new RegExp(`^Comparison of ${KEY}`) }).click();

  // The viewer: both pictures side by side.
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`Comparison of ${KEY}`);
  const pictures = page.getByRole('region', { name: 'Side by side view' });
  await expect(pictures.getByRole('img', { name: /^Legacy / })).toBeVisible({ timeout: 20_000 });
  await expect(pictures.getByRole('img', { name: /^Shadow / })).toBeVisible({ timeout: 20_000 });
  // Zoom is shared by the views.
  await page.getByRole('group', { name: 'Zoom' }).getByRole('button', { name: 'Zoom in' }).click();
  await expect(pictures.getByRole('img', { name: /^Legacy / })).toHaveAttribute('style', /scale\(1\.25\)/);
  await expect(pictures.getByRole('img', { name: /^Shadow / })).toHaveAttribute('style', /scale\(1\.25\)/);
  // Keyboard pan on a viewport moves both.
  await pictures.getByRole('group', { name: /^Legacy picture/ }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(pictures.getByRole('img', { name: /^Shadow / })).toHaveAttribute('style', /translate\(-20px, 0px\)/);

  const views = page.getByRole('tablist', { name: 'View' });
  await views.getByRole('tab', { name: 'Swipe' }).click();
  const swipe = page.getByRole('region', { name: 'Swipe view' });
  await expect(swipe.getByRole('img')).toHaveCount(2);
  await swipe.getByRole('slider', { name: /Swipe position/ }).fill('20');
  await views.getByRole('tab', { name: 'Blend' }).click();
  const blend = page.getByRole('region', { name: 'Blend view' });
  await expect(blend.getByRole('slider', { name: /Shadow opacity/ })).toBeVisible();
  await views.getByRole('tab', { name: 'Toggle' }).click();
  const toggle = page.getByRole('region', { name: 'Toggle view' });
  await expect(toggle.getByRole('img', { name: /^Legacy / })).toBeVisible();
  await toggle.getByRole('button', { name: /switch to shadow/ }).click();
  await expect(toggle.getByRole('img', { name: /^Shadow / })).toBeVisible();
  // Still zoomed as before: the transform is shared across views.
  await expect(toggle.getByRole('img', { name: /^Shadow / })).toHaveAttribute('style', /scale\(1\.25\)/);
  await views.getByRole('tab', { name: 'Heatmap' }).click();
  const heat = page.getByRole('region', { name: 'Heatmap view' });
  const report = await callApi<{ report: { artifacts: { name: string; pixels: unknown; heatmap: string | null; sameHash: boolean }[] } }>(request, host, 'comparisons.get', { id: made.id });
  const first = report.report.artifacts[0]!;
  // A heatmap the comparison wrote is served (comparisons.heatmap); identical files have none.
  if (first.heatmap) await expect(heat.getByRole('img', { name: new RegExp(`^Diff heatmap of ${first.name}`) })).toBeVisible();
  else await expect(heat).toContainText(`No diff heatmap for ${first.name}`);
  if (first.pixels) await expect(heat.getByRole('table', { name: `Pixel statistics of ${first.name}` })).toBeVisible();
  else if (first.sameHash) await expect(heat).toContainText('byte-identical');

  // Every record field, and every reason.
  const records = page.getByRole('table', { name: 'Record fields' });
  await expect(records.getByRole('rowheader', { name: 'render status' })).toBeVisible();
  const full = await callApi<{ report: { reasons: string[]; records: unknown[] } }>(request, host, 'comparisons.get', { id: made.id });
  await expect(records.getByRole('row')).toHaveCount(full.report.records.length + 1);
  for (const reason of full.report.reasons) await expect(page.getByRole('list', { name: 'Reasons behind the verdict' })).toContainText(reason);

  // Approve with a note: who and when are shown, the badge goes.
  await page.getByLabel('Note').fill('Looks identical at draft size');
  await page.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByRole('status', { name: 'Review state' })).toContainText(/Approved by .+ on .+: Looks identical at draft size/);
  await expect(nav.getByRole('status', { name: /awaiting a decision/ })).toHaveCount(0);

  // Rollout: enable graph (allowed only after an approved clean pass), then roll back in one click.
  await page.getByRole('link', { name: `Rollout of ${KEY}` }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Rollout of');
  await expect(page.getByRole('table', { name: 'Shadow history' }).getByRole('row')).toHaveCount(2);
  const mode = page.getByTestId('effective-mode');
  await expect(mode).toHaveText('legacy');
  await expect(page.getByRole('checkbox', { name: /Override/ })).toHaveCount(0);
  await page.getByLabel(/^Reason/).fill('e2e: approved clean pass');
  // Both are confirmed in a dialog saying what the next dispatch does, with the reason to be logged.
  await page.getByRole('button', { name: 'Enable graph' }).click();
  const enable = page.getByRole('dialog', { name: `Enable graph for ${KEY}?` });
  await expect(enable).toContainText('renders through workflow legacy.still_default revision 1 and publishes its result');
  await expect(enable).toContainText('Reason recorded in the mode log: e2e: approved clean pass.');
  await enable.getByRole('button', { name: 'Enable graph' }).click();
  await expect(enable).toHaveCount(0);
  await expect(mode).toHaveText('graph');
  await page.getByRole('button', { name: 'Roll back to legacy' }).click();
  const rollback = page.getByRole('dialog', { name: `Roll ${KEY} back to legacy?` });
  await expect(rollback).toContainText('renders with its legacy preset again');
  await rollback.getByRole('button', { name: 'Cancel' }).click();
  await expect(mode).toHaveText('graph');
  await page.getByRole('button', { name: 'Roll back to legacy' }).click();
  await rollback.getByRole('button', { name: 'Roll back to legacy' }).click();
  await expect(mode).toHaveText('legacy');
  const log = page.getByRole('table', { name: 'Mode changes' });
  await expect(log.getByRole('row')).toHaveCount(3);
  await expect(log.getByRole('row').filter({ hasText: '→ graph' })).toContainText(/e2e: /);
  await expect(log.getByRole('row').filter({ hasText: 'graph → legacy' })).toBeVisible();

  // The next dispatch runs legacy.
  const next = await createLine(request, host, cadFileId, KEY, 'E2E after rollback');
  const after = await dispatchAndWait(request, host, next);
  expect(after.line.status).toBe('succeeded');
  expect(after.line.modeUsed).toBe('legacy');
  const { items: runs } = await callApi<{ items: { orderLineId: string | null; mode: string; role: string }[] }>(request, host, 'runs.list', {});
  const ofNext = runs.filter((r) => r.orderLineId === next);
  expect(ofNext.length).toBeGreaterThan(0);
  expect(ofNext.every((r) => r.mode === 'legacy' && r.role === 'authoritative')).toBe(true);
});

test('a turntable comparison has a frame scrubber with per-frame results', async ({ page, host, request }) => {
  test.setTimeout(480_000);
  const { cadFileId } = await prepareRuns(request, host);
  // Identical videos compare by hash alone; a revision that turns half as far differs on every frame but the first.
  const revision = await saveWithNodeSettings(request, host, 'legacy.turntable_default', 'render_turntable', { turntable: { degrees: 180 } });
  const got = await callApi<{ name: string; profile: { profile: { parameterValues: Record<string, unknown> } } }>(request, host, 'outputTypes.get', { key: 'turntable_36' });
  await callApi(request, host, 'outputTypes.update', { key: 'turntable_36', name: got.name, workflowId: 'legacy.turntable_default', workflowRevision: revision, parameterValues: got.profile.profile.parameterValues });
  const lineId = await createLine(request, host, cadFileId, 'turntable_36');
  const line = await dispatchAndWait(request, host, lineId, 'shadow', 300_000);
  expect(line.line.status).toBe('succeeded');
  const made = await waitForComparison(request, host, 'turntable_36');
  const full = await callApi<{ report: { reasons: string[]; artifacts: { name: string; frames: { name: string; verdict: string }[] }[] } }>(request, host, 'comparisons.get', { id: made.id });
  const index = full.report.artifacts.findIndex((a) => a.frames.length > 1);
  expect(index, JSON.stringify(full.report).slice(0, 3000)).toBeGreaterThanOrEqual(0);
  const withFrames = full.report.artifacts[index]!;

  await page.goto(`${host.url}#/comparisons/${made.id}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Comparison of turntable_36');
  if (full.report.artifacts.length > 1) await page.getByLabel('Artifact').selectOption(String(index));
  const scrubber = page.getByRole('slider', { name: /^Frame 1 of / });
  await expect(scrubber).toBeVisible();
  const result = page.getByRole('status', { name: 'Frame result' });
  await expect(result).toContainText(`${withFrames.frames[0]!.name}: ${withFrames.frames[0]!.verdict}`);
  // The shadow side's own frame image (the legacy side publishes only the video).
  await expect(result.getByRole('img', { name: /^Shadow frame 1 / })).toBeVisible();
  // Keyboard: the scrubber moves frame by frame.
  await scrubber.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('slider', { name: /^Frame 2 of / })).toBeVisible();
  await expect(result).toContainText(`${withFrames.frames[1]!.name}: ${withFrames.frames[1]!.verdict}`);
  await expect(result.getByRole('img', { name: /^Shadow frame 2 / })).toBeVisible();
  // Every per-frame reason is listed with the verdict's reasons.
  for (const reason of full.report.reasons) await expect(page.getByRole('list', { name: 'Reasons behind the verdict' })).toContainText(reason);
  // The frames differ: the worst frame's diff heatmap is served and shown.
  await page.getByRole('tablist', { name: 'View' }).getByRole('tab', { name: 'Heatmap' }).click();
  await expect(page.getByRole('region', { name: 'Heatmap view' }).getByRole('img', { name: /^Diff heatmap of / })).toBeVisible();
});
