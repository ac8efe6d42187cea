import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import type { RunningHost } from '../host';
import { callApi } from '../production-fixtures';
import { CHEAP_STILL, prepareRuns, saveWithNodeSettings, startWorkflowRun, waitForRunEnd } from '../run-fixtures';

const CAD_NAME = 'as1-oc-214.stp';
const short = (id: string) => id.slice(0, 8);

interface LineDetail {
  line: { status: string };
  runs: { id: string; status: string; role: string }[];
}

async function dispatchedLine(request: APIRequestContext, host: RunningHost, lineId: string): Promise<LineDetail> {
  const deadline = Date.now() + 150_000;
  for (;;) {
    const detail = await callApi<LineDetail>(request, host, 'orders.line', { id: lineId });
    if (['succeeded', 'failed', 'cancelled'].includes(detail.line.status) && detail.runs.every((r) => r.status !== 'running')) return detail;
    if (Date.now() > deadline) throw new Error(`line ${lineId} is still ${detail.line.status}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

const queue = (page: Page) => page.getByRole('table', { name: 'Render queue' });
const queueRows = (page: Page) => queue(page).getByRole('rowgroup').nth(1).getByRole('row');

test('the farm page: renders newest first by name, linked to their run and order line, filtered by state; version checks folded away', async ({ page, host, request }) => {
  test.setTimeout(360_000);
  const { cadFileId } = await prepareRuns(request, host);
  await saveWithNodeSettings(request, host, 'legacy.still_default', 'render_still', CHEAP_STILL);
  // An editor run, then a dispatch of an order line (a draft, to stay quick).
  const editorRun = await startWorkflowRun(request, host, 'legacy.still_default', cadFileId);
  expect((await waitForRunEnd(request, host, editorRun)).status).toBe('succeeded');
  const order = await callApi<{ lines: { id: string }[] }>(request, host, 'orders.create', { name: 'Farm page', cadFileIds: [cadFileId], outputTypeKeys: ['still_quick_preview'], copies: 1 });
  const lineId = order.lines[0]!.id;
  await callApi(request, host, 'orders.dispatch', { orderLineId: lineId, mode: 'graph', draft: { maxSize: 64, samples: 1 } });
  const line = await dispatchedLine(request, host, lineId);
  expect(line.line.status).toBe('succeeded');
  const lineRun = line.runs.find((r) => r.role === 'authoritative')!;

  const status = await callApi<{ tasks: { probe: boolean; kind: string; runId: string | null; orderLineId: string | null; cadFileName: string | null; title: string }[] }>(request, host, 'farm.status', {});
  // The backend tells version checks apart and gives each render its run's line and CAD file.
  expect(status.tasks.some((t) => t.probe && t.kind === 'ping')).toBe(true);
  expect(status.tasks.filter((t) => t.probe).every((t) => t.kind === 'ping')).toBe(true);
  expect(status.tasks.find((t) => t.runId === lineRun.id && t.kind === 'render_still')).toMatchObject({ orderLineId: lineId, cadFileName: CAD_NAME });

  await page.goto(`${host.url}#/farm`);
  await expect(page.getByRole('heading', { level: 1, name: 'Farm' })).toBeVisible();
  // Newest first: the dispatch's render, then the editor run's, by what they render and of which CAD file.
  const rows = queueRows(page);
  await expect(rows.first()).toContainText(/^Still \d+×\d+, 1 sample \(Cycles\)/);
  await expect(rows.first()).toContainText(`of ${CAD_NAME}`);
  await expect(rows.first().getByRole('link', { name: `Run ${short(lineRun.id)}` })).toBeVisible();
  await expect(rows.first().getByRole('link', { name: `Line ${lineId}` })).toBeVisible();
  const editorRow = rows.filter({ has: page.getByRole('link', { name: `Run ${short(editorRun)}` }) });
  await expect(editorRow.first()).toContainText('Still 64×64, 2 samples (Cycles)');
  await expect(editorRow.first().getByRole('link', { name: /^Line / })).toHaveCount(0);
  const texts = await rows.allTextContents();
  expect(texts.findIndex((t) => t.includes(short(lineRun.id)))).toBeLessThan(texts.findIndex((t) => t.includes(short(editorRun))));
  await expect(rows.first().getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
  await expect(rows.first()).toContainText('100 %');

  // No version ping in the queue: they are folded away, and open on demand.
  await expect(queue(page)).not.toContainText('Blender version check');
  const probes = page.getByRole('button', { name: /^Blender version checks \(\d+\)/ });
  await expect(probes).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByRole('table', { name: 'Blender version checks' })).toBeHidden();
  await probes.click();
  await expect(probes).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByRole('table', { name: 'Blender version checks' }).getByRole('row').nth(1)).toContainText('Blender version check');
  await page.screenshot({ path: 'test-results/screenshots/farm-tasks-1440x900.png', fullPage: true });

  // Filter by state.
  const filter = page.getByRole('radiogroup', { name: 'Show' });
  await filter.getByText(/^Failed \(0\)$/).click();
  await expect(page.getByText('No task in this state.')).toBeVisible();
  await expect(queue(page)).toHaveCount(0);
  await filter.getByText(/^Succeeded \(\d+\)$/).click();
  await expect(rows.first()).toContainText('succeeded');
  await filter.getByText(/^All \(\d+\)$/).click();

  // A task's log, and its run.
  await rows.first().getByRole('button', { name: /^Show log of Still/ }).click();
  await expect(page.getByRole('region', { name: /^Log of Still/ })).toContainText('# attempt 1 on slot');
  await rows.first().getByRole('link', { name: `Run ${short(lineRun.id)}` }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`Run ${short(lineRun.id)}`);
});
