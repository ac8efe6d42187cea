import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { removeDataDir, startHost, type RunningHost } from '../host';
import { prepareRuns } from '../run-fixtures';
import { createLine, dispatchAndWait, waitForComparison } from '../review-fixtures';

/**
 * Issue 15 items 5 and 8: every area is checked by axe (WCAG 2.0/2.1 A and AA) in the light and the
 * dark colour scheme, with zero serious or critical violations, and photographed in both under
 * test-results/screenshots/<area>-<light|dark>.png (the one place the suite photographs areas) so
 * a reviewer can look without running the app. One test per area: `-g orders` runs one.
 *
 * The data is seeded once per test run (legacy examples migrated, the CAx-IF STEP file ingested,
 * one order line dispatched in shadow mode, which leaves a run and a comparison to look at).
 */
const SHOTS = 'test-results/screenshots';
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const OUTPUT_TYPE = 'still_white_2k';
const WORKFLOW = 'legacy.still_default';

interface Seeded {
  host: RunningHost;
  runId: string;
  comparisonId: string;
}
let seeded: Seeded | undefined;

/**
 * The seeded data directory of this test run, shared by its workers: Playwright starts a new worker
 * after a failed test, and the pages only read, so a worker after the first one starts a host on the
 * same directory instead of seeding again. Keyed by the runner's pid (the workers' parent).
 */
const SEED_DIR = path.join(os.tmpdir(), `lightbox-a11y-seed-${process.ppid}`);
const SEED_FACTS = path.join(SEED_DIR, 'a11y-seed.json');

/** Removes seed directories of earlier runs whose runner is gone. */
function sweepOldSeeds(): void {
  for (const name of fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('lightbox-a11y-seed-'))) {
    const pid = Number(name.slice('lightbox-a11y-seed-'.length));
    if (pid === process.ppid) continue;
    try {
      process.kill(pid, 0);
    } catch {
      removeDataDir(path.join(os.tmpdir(), name));
    }
  }
}

test.beforeAll(async ({ preflighted, playwright }) => {
  test.setTimeout(420_000);
  if (fs.existsSync(SEED_FACTS)) {
    const facts = JSON.parse(fs.readFileSync(SEED_FACTS, 'utf8')) as Omit<Seeded, 'host'>;
    seeded = { ...facts, host: await startHost(SEED_DIR) };
    return;
  }
  sweepOldSeeds();
  removeDataDir(SEED_DIR);
  fs.mkdirSync(SEED_DIR, { recursive: true });
  for (const name of fs.readdirSync(preflighted).filter((f) => f.startsWith('lightbox.db'))) fs.copyFileSync(path.join(preflighted, name), path.join(SEED_DIR, name));
  const started = Date.now();
  const host = await startHost(SEED_DIR);
  const request = await playwright.request.newContext();
  try {
    const { cadFileId } = await prepareRuns(request, host);
    const lineId = await createLine(request, host, cadFileId, OUTPUT_TYPE, 'Accessibility order');
    const line = await dispatchAndWait(request, host, lineId, 'shadow');
    const runId = line.runs[0]?.id;
    if (!runId) throw new Error('the shadow dispatch left no run');
    const comparison = await waitForComparison(request, host, OUTPUT_TYPE);
    seeded = { host, runId, comparisonId: comparison.id };
    fs.writeFileSync(SEED_FACTS, JSON.stringify({ runId, comparisonId: comparison.id }));
    console.log(`a11y: data seeded in ${Math.round((Date.now() - started) / 1000)} s`);
  } catch (error) {
    await host.stop();
    removeDataDir(SEED_DIR);
    throw error;
  } finally {
    // Its trace file may be gone: another Playwright run on this machine empties test-results/ as it starts.
    await request.dispose().catch(() => undefined);
  }
});

test.afterAll(async () => {
  await seeded?.host.stop();
});

function data(): Seeded {
  if (!seeded) throw new Error('the data was not seeded');
  return seeded;
}

/** Waits until what the page reads on arrival is drawn: its h1, and no "Loading…" left in main. */
async function settled(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
  await expect(page.getByRole('main').getByText(/^(Loading|Reading)\b/)).toHaveCount(0, { timeout: 30_000 });
}

type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>;

/** Serious and critical violations, one readable line per element: rule, impact, target, summary. */
function describeViolations(results: AxeResults, scheme: string): string[] {
  const lines: string[] = [];
  for (const v of results.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
    for (const node of v.nodes) {
      const summary = (node.failureSummary ?? v.help).replace(/\s+/g, ' ').trim();
      lines.push(`[${scheme}] ${v.id} (${v.impact}) at ${node.target.join(' ')}: ${summary}`);
    }
  }
  return lines;
}

/**
 * Checks and photographs the page as it is now in both colour schemes; fails with every serious
 * or critical violation listed (rule id, target, summary).
 */
async function checkArea(page: Page, slug: string, ready?: () => Promise<void>): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', colorScheme);
    await settled(page);
    if (ready) await ready();
    // Transitions (hover colours, Mantine's) end before colours are measured.
    await page.waitForTimeout(300);
    const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    found.push(...describeViolations(results, colorScheme));
    const file = `${SHOTS}/${slug}-${colorScheme}.png`;
    await page.screenshot({ path: file });
    expect(fs.statSync(file).size).toBeGreaterThan(0);
  }
  expect(found, `axe found serious or critical violations on ${slug}:\n${found.join('\n')}`).toEqual([]);
}

async function open(page: Page, hash: string): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${data().host.url}#${hash}`);
  await settled(page);
}

test('a11y: workflows list', async ({ page }) => {
  await open(page, '/workflows');
  await expect(page.getByRole('main')).toContainText(WORKFLOW);
  await checkArea(page, 'workflows');
});

test('a11y: workflow editor', async ({ page }) => {
  await open(page, `/workflows/${WORKFLOW}`);
  await expect(page.getByRole('application', { name: 'Workflow graph' })).toBeVisible();
  await checkArea(page, 'workflow-editor');
});

test('a11y: runs list', async ({ page }) => {
  await open(page, '/runs');
  await expect(page.getByRole('main').getByRole('table').first()).toBeVisible();
  await checkArea(page, 'runs');
});

test('a11y: run viewer', async ({ page }) => {
  await open(page, `/runs/${data().runId}`);
  await expect(page.getByRole('table', { name: 'Nodes of the run' })).toBeVisible();
  await checkArea(page, 'run-viewer');
});

test('a11y: orders, an order open', async ({ page }) => {
  await open(page, '/orders');
  const details = page.getByRole('button', { name: /^Details of line 1\b/ }).first();
  await details.click();
  await expect(details).toHaveAttribute('aria-expanded', 'true');
  await checkArea(page, 'orders');
});

test('a11y: CAD library', async ({ page }) => {
  await open(page, '/cad-library');
  await expect(page.getByRole('main')).toContainText('as1-oc-214');
  await checkArea(page, 'cad-library');
});

test('a11y: output types, one open', async ({ page }) => {
  await open(page, '/output-types');
  const forms = await page.getByRole('form').count();
  await page.getByRole('button', { name: new RegExp(`^Edit ${OUTPUT_TYPE}$`) }).click();
  // The output type's form opened beside the list.
  await expect.poll(() => page.getByRole('form').count()).toBeGreaterThan(forms);
  await checkArea(page, 'output-types');
});

test('a11y: rollout', async ({ page }) => {
  await open(page, `/output-types/${OUTPUT_TYPE}/rollout`);
  await checkArea(page, 'rollout');
});

test('a11y: comparisons list', async ({ page }) => {
  await open(page, '/comparisons?view=all');
  await expect(page.getByRole('table', { name: 'Comparisons' })).toBeVisible();
  await checkArea(page, 'comparisons');
});

test('a11y: review by revision', async ({ page }) => {
  await open(page, '/comparisons');
  await expect(page.getByRole('list', { name: /^Contact sheet of / }).first().getByRole('img').first()).toBeVisible();
  await checkArea(page, 'comparisons-review');
});

test('a11y: comparison viewer', async ({ page }) => {
  await open(page, `/comparisons/${data().comparisonId}`);
  const pictures = page.getByRole('region', { name: 'Side by side view' });
  await checkArea(page, 'comparison-viewer', async () => {
    await expect(pictures.getByRole('img', { name: /^Legacy / })).toBeVisible({ timeout: 20_000 });
    await expect(pictures.getByRole('img', { name: /^Shadow / })).toBeVisible({ timeout: 20_000 });
  });
});

test('a11y: farm', async ({ page }) => {
  await open(page, '/farm');
  await checkArea(page, 'farm');
});

test('a11y: sync', async ({ page }) => {
  await open(page, '/sync');
  await expect(page.getByRole('table', { name: 'Sync status' })).toBeVisible();
  await checkArea(page, 'sync');
});

test('a11y: preflight', async ({ page }) => {
  await open(page, '/preflight');
  await expect(page.getByRole('region', { name: 'Preflight report' })).toBeVisible();
  await checkArea(page, 'preflight');
});

test('a11y: settings', async ({ page }) => {
  await open(page, '/settings');
  await checkArea(page, 'settings');
});

test('a11y: gate screens (no token, refused token)', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${data().host.origin}/`);
  await expect(page.getByText('This page needs the link printed by')).toBeVisible();
  await checkArea(page, 'gate-no-token');
  await page.goto(`${data().host.origin}/?token=not-the-token`);
  await expect(page.getByRole('alert')).toContainText("The host refused this link's access token.");
  await checkArea(page, 'gate-refused');
});
