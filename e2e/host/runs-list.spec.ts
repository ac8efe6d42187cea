import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { startHost } from '../host';
import { callApi, uploadCadThroughApi } from '../production-fixtures';
import { screenshotSizes } from '../axe';
import { CHEAP_STILL, prepareRuns, saveWithNodeSettings, startWorkflowRun, waitForRunEnd } from '../run-fixtures';

interface LineDetail {
  line: { status: string };
  runs: { id: string; mode: string; role: string; status: string; fallbackOf: string | null; fallbackReason: string | null }[];
}

/**
 * Test-only faults (main/graph-runtime/faults.ts), in graph mode only: the turntable workflow's
 * render fails at once, and so does the render of still_selfpublish (the workflow bound to the
 * still_quick_preview output type), so a graph dispatch of that output type falls back to legacy.
 */
const FAULTS = [
  { node: 'step4_render_turntable', fault: 'fail', mode: 'graph' },
  { node: 'step3_render_still', fault: 'fail', mode: 'graph' },
];

const short = (id: string) => `Run ${id.slice(0, 8)}`;
const runLinks = (page: Page) => page.getByRole('table', { name: 'Runs' }).getByRole('link');
const runRow = (page: Page, id: string) => page.getByRole('table', { name: 'Runs' }).getByRole('row').filter({ has: page.getByRole('link', { name: short(id), exact: true }) });

async function waitForLine(request: Parameters<typeof callApi>[0], host: Parameters<typeof callApi>[1], lineId: string): Promise<LineDetail> {
  const deadline = Date.now() + 150_000;
  for (;;) {
    const detail = await callApi<LineDetail>(request, host, 'orders.line', { id: lineId });
    if (['succeeded', 'failed', 'cancelled'].includes(detail.line.status) && detail.runs.every((r) => r.status !== 'running')) return detail;
    if (Date.now() > deadline) throw new Error(`line ${lineId} is still ${detail.line.status}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

function dayOffset(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

test('the runs list filters by workflow, mode, role, status and date, and links to each run, its fallback and its comparison', async ({ page, dataDir, request }) => {
  test.setTimeout(360_000);
  const host = await startHost(dataDir, { LIGHTBOX_TEST_FAULTS: JSON.stringify(FAULTS) });
  try {
    const { cadFileId } = await prepareRuns(request, host);
    await saveWithNodeSettings(request, host, 'legacy.still_default', 'render_still', CHEAP_STILL);
    // Editor runs: a still that succeeds, a turntable whose render fails.
    const still = await startWorkflowRun(request, host, 'legacy.still_default', cadFileId);
    expect((await waitForRunEnd(request, host, still)).status).toBe('succeeded');
    const turntable = await startWorkflowRun(request, host, 'legacy.turntable_default', cadFileId);
    expect((await waitForRunEnd(request, host, turntable)).status).toBe('failed');

    // Dispatches of two lines of a legacy output type (drafts, to stay quick): one in shadow mode
    // (legacy authoritative + graph observer, compared), one in graph mode (fails, falls back to legacy).
    const order = await callApi<{ lines: { id: string }[] }>(request, host, 'orders.create', { name: 'Runs list', cadFileIds: [cadFileId], outputTypeKeys: ['still_quick_preview'], copies: 2 });
    const [line1, line2] = order.lines.map((l) => l.id) as [string, string];
    const draft = { maxSize: 64, samples: 1 };
    await callApi(request, host, 'orders.dispatch', { orderLineId: line1, mode: 'shadow', draft });
    const shadowLine = await waitForLine(request, host, line1);
    await callApi(request, host, 'orders.dispatch', { orderLineId: line2, mode: 'graph', draft });
    const graphLine = await waitForLine(request, host, line2);
    // A run records the mode it ran under: both runs of the shadow dispatch say shadow, by role.
    const legacyOfShadow = shadowLine.runs.find((r) => r.role === 'authoritative')!;
    const observer = shadowLine.runs.find((r) => r.role === 'shadow')!;
    const fellBack = graphLine.runs.find((r) => r.mode === 'graph')!;
    const standIn = graphLine.runs.find((r) => r.fallbackOf === fellBack.id)!;
    expect([legacyOfShadow, observer, fellBack, standIn].every(Boolean)).toBe(true);
    expect(fellBack).toMatchObject({ role: 'authoritative', status: 'failed' });
    expect(standIn).toMatchObject({ mode: 'legacy', status: 'succeeded' });

    await page.goto(`${host.url}#/runs`);
    // The CAD ingest, two editor runs, three runs of the shadow dispatch's and the fallback's … seven in all.
    await expect(page.getByRole('status').filter({ hasText: /^7 runs$/ })).toBeVisible();
    await expect(runRow(page, still)).toContainText('graph');
    await expect(runRow(page, still)).toContainText('legacy.still_default@2');
    // CAD files by name, not id.
    await expect(runRow(page, still).getByRole('cell').nth(1)).toHaveText('as1-oc-214.stp');
    await expect(runRow(page, legacyOfShadow.id)).toContainText('output type still_quick_preview');

    const filters = page.getByRole('search', { name: 'Filter runs' });
    await filters.getByLabel('Status').selectOption('failed');
    await expect(runLinks(page)).toHaveCount(2);
    await expect(runRow(page, turntable)).toContainText('failed');
    // Failed nodes: the turntable's render of its 8 nodes.
    await expect(runRow(page, turntable).getByRole('cell').last()).toHaveText('1 of 8');
    await expect(runRow(page, fellBack.id)).toBeVisible();
    await filters.getByLabel('Role').selectOption('shadow');
    await expect(runLinks(page)).toHaveText([short(turntable)]);
    // The filter lives in the address: a reload keeps it.
    await page.reload();
    await expect(runLinks(page)).toHaveText([short(turntable)]);
    await expect(page.getByRole('search', { name: 'Filter runs' }).getByLabel('Role')).toHaveValue('shadow');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect(runLinks(page)).toHaveCount(7);
    await filters.getByLabel('Role').selectOption('authoritative');
    await expect(runLinks(page)).toHaveCount(4);
    await filters.getByLabel('Mode').selectOption('legacy');
    // The legacy run that stood in for the graph run.
    await expect(runLinks(page)).toHaveCount(1);
    await expect(runRow(page, standIn.id)).toBeVisible();
    await expect(runRow(page, fellBack.id)).toHaveCount(0);
    // The CAD import ran the migrated cad_ingest_default workflow through the runtime: a graph run, beside the one that fell back.
    await filters.getByLabel('Mode').selectOption('graph');
    await expect(runLinks(page)).toHaveCount(2);
    await expect(runRow(page, fellBack.id)).toBeVisible();
    await expect(runRow(page, standIn.id)).toHaveCount(0);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await filters.getByLabel('Workflow').selectOption('legacy.still_default');
    await expect(runLinks(page)).toHaveText([short(still)]);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await filters.getByLabel('Started from').fill(dayOffset(1));
    await expect(page.getByText('No run matches these filters.')).toBeVisible();
    await filters.getByLabel('Started from').fill(dayOffset(0));
    await filters.getByLabel('Started until').fill(dayOffset(0));
    await expect(runLinks(page)).toHaveCount(7);

    // The graph run that fell back links to the legacy run that stood in for it, and back.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await filters.getByLabel('Status').selectOption('failed');
    await filters.getByLabel('Role').selectOption('authoritative');
    await runLinks(page).filter({ hasText: short(fellBack.id) }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(short(fellBack.id));
    await expect(page.getByRole('heading', { level: 1 })).toContainText('failed');
    const facts = page.getByRole('region', { name: 'Run details' });
    await expect(facts).toContainText('injected fault');
    await facts.getByRole('link', { name: short(standIn.id) }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(short(standIn.id));
    await expect(page.getByText('This legacy run stands in for the graph run')).toBeVisible();
    // A legacy pipeline run has no workflow: its steps are a chain, and it cannot be re-run from a node.
    await expect(page.getByText('A legacy pipeline run: its steps are shown in the order they ran.')).toBeVisible();
    const graph = page.getByRole('application', { name: 'Graph of the run' });
    await expect(graph.getByRole('button', { name: / render_still succeeded/ })).toBeVisible();
    await graph.getByRole('button', { name: / render_still succeeded/ }).click();
    await expect(page.getByRole('button', { name: /^Re-run from this node/ })).toBeDisabled();
    await expect(page.getByRole('img', { name: /^Output image of / })).toBeVisible();
    await page.getByRole('link', { name: short(fellBack.id) }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(short(fellBack.id));

    // The legacy side of the shadow dispatch: its comparison, verdict and reasons, the observer run, the comparisons area.
    await page.goto(`${host.url}#/runs/${legacyOfShadow.id}`);
    const comparison = page.getByRole('region', { name: 'Shadow comparison' });
    await expect(comparison).toContainText(/Verdict (pass|warn|fail)/);
    await expect(comparison).toContainText('This run is the legacy (authoritative) side');
    await comparison.getByRole('link', { name: short(observer.id) }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(short(observer.id));
    await expect(page.getByRole('region', { name: 'Shadow comparison' })).toContainText('This run is the shadow (observer) side');
    await page.getByRole('region', { name: 'Shadow comparison' }).getByRole('link', { name: 'Open the comparisons' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Comparisons' })).toBeVisible();
  } finally {
    await host.stop();
  }
});

test('the runs search finds runs by CAD file name; a two-character search reads window after window until its matches show', async ({ page, request, dataDir }) => {
  test.setTimeout(180_000);
  // A window of 5 rows (test-only), so a history of 24 runs has five windows to read through.
  const host = await startHost(dataDir, { LIGHTBOX_TEST_SHORT_SEARCH_WINDOW: '5' });
  try {
    // Unreadable files: each import is a cad_file run that fails at once. The oldest three are named "zq…".
    for (let i = 0; i < 24; i++) await uploadCadThroughApi(request, host, `${i < 3 ? 'zq-' : ''}part-${String(i).padStart(2, '0')}.stp`, Buffer.from(`not a STEP file ${i}\n`));
    const all = await callApi<{ items: unknown[] }>(request, host, 'runs.list', { limit: 100 });
    expect(all.items).toHaveLength(24);
    // Through the API the first page checks 5 runs, finds none and says where to go on.
    expect(await callApi<{ items: unknown[]; nextCursor: string | null }>(request, host, 'runs.list', { q: 'zq' })).toMatchObject({ items: [], nextCursor: expect.any(String) });

    await page.goto(`${host.url}#/runs`);
    // The table draws the rows in view; the status counts what was read.
    const counted = page.getByRole('status').filter({ hasText: /^\d+\+? runs?/ });
    await expect(counted).toHaveText('24 runs');
    const search = page.getByRole('search', { name: 'Filter runs' }).getByRole('searchbox', { name: 'Search' });
    await search.fill('zq');
    await expect(runLinks(page)).toHaveCount(3);
    await expect(page.getByRole('table', { name: 'Runs' })).toContainText('zq-part-00.stp');
    await expect(counted).toHaveText('3 runs match');
    await expect(page).toHaveURL(/[?&]q=zq/);
    await screenshotSizes(page, 'runs-search');
    // Three characters and more go through the trigram index: one file by its name.
    await search.fill('part-17');
    await expect(runLinks(page)).toHaveCount(1);
    await expect(page.getByRole('table', { name: 'Runs' })).toContainText('part-17.stp');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect(search).toHaveValue('');
    await expect(counted).toHaveText('24 runs');
  } finally {
    await host.stop();
  }
});
