import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { seriousAxeViolations } from '../axe';
import { REPO_ROOT, startHost, type RunningHost } from '../host';
import { callApi, importCadThroughApi } from '../production-fixtures';
import { migrateLegacyExamples } from '../run-fixtures';
import { createLine, dispatchAndWait } from '../review-fixtures';

/**
 * Issue 22: review by revision. A batch of shadow dispatches (real Blender, 64 px drafts) with two
 * passes and one injected difference (the shadow render fails, LIGHTBOX_TEST_FAULTS) is one group;
 * its Approve is blocked until the difference is opened; approving drops the badge; a comparison
 * arriving after the approval is a new pending set, approvable once excused.
 */
const KEY = 'still_white_2k';
const CUBE = path.join(REPO_ROOT, 'node_modules', 'occt-import-js', 'test', 'testfiles', 'cube-10x10mm', 'Cube 10x10.stp');
const FAIL_SHADOW = JSON.stringify([{ node: 'step4_render_still', fault: 'fail', mode: 'shadow' }]);
const SHOTS = 'test-results/screenshots';

async function shadowBatch(request: APIRequestContext, host: RunningHost, cadFileId: string, lines: number): Promise<void> {
  const ids = await Promise.all(Array.from({ length: lines }, (_, i) => createLine(request, host, cadFileId, KEY, `E2E review batch ${i}`)));
  await Promise.all(ids.map((id) => dispatchAndWait(request, host, id, 'shadow')));
}

/** Waits until the output type has this many comparisons (the shadow side may end after the line). */
async function waitForComparisons(request: APIRequestContext, host: RunningHost, count: number): Promise<void> {
  await expect.poll(async () => (await callApi<{ items: unknown[] }>(request, host, 'comparisons.list', { outputTypeKey: KEY })).items.length, { timeout: 60_000 }).toBe(count);
}

const shoot = async (page: Page, name: string, axe = false) => {
  for (const [w, h] of [
    [1440, 900],
    [1024, 700],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: `${SHOTS}/${name}-${w}x${h}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SHOTS}/${name}-dark.png` });
  // axe (WCAG 2.1 AA) on the page in both schemes: serious or critical findings fail.
  if (axe) expect(await seriousAxeViolations(page)).toEqual([]);
};

test('a group with one difference is approved once the difference is opened; the badge drops; a later comparison is a new pending set', async ({ page, request, dataDir }) => {
  test.setTimeout(240_000);
  const started = Date.now();
  // The injected difference first (the shadow render fails in this host), then two passes from the same data directory served without the fault.
  let host = await startHost(dataDir, { LIGHTBOX_TEST_FAULTS: FAIL_SHADOW });
  try {
    await migrateLegacyExamples(request, host);
    const cad = await importCadThroughApi(request, host, CUBE);
    // The coverage gate is not the subject: one pass on one CAD file is enough.
    await callApi(request, host, 'rollout.setRules', { target: KEY, minPasses: 1, minCadFiles: 1 });
    await shadowBatch(request, host, cad.id, 1);
    await waitForComparisons(request, host, 1);
    await host.stop();
    host = await startHost(dataDir);
    await shadowBatch(request, host, cad.id, 2);
    await waitForComparisons(request, host, 3);
    const seeded = Date.now();

    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${host.url}#/comparisons`);
    const nav = page.getByRole('navigation', { name: 'Areas' });
    // The badge counts groups awaiting a decision, not the three comparisons.
    await expect(nav.getByRole('status', { name: '1 review group awaiting a decision' })).toBeVisible();
    await expect(page.getByRole('tab', { name: 'Review by revision', selected: true })).toBeVisible();
    const group = page.getByRole('region', { name: `${KEY} · legacy.still_default revision 1` });
    const counts = group.getByRole('group', { name: 'Counts by verdict' });
    await expect(counts).toContainText('2 pass');
    await expect(counts).toContainText('1 fail');
    await expect(group).toContainText('3 comparisons of 1 CAD file');
    await expect(group.getByRole('status', { name: /^Pending set of / })).toHaveText('3 comparisons awaiting a decision (1 difference)');
    // The difference comes first, on the contact sheet too; the passes show both thumbnails.
    const sheet = group.getByRole('list', { name: /^Contact sheet of / });
    await expect(sheet.getByRole('listitem')).toHaveCount(3);
    await expect(sheet.getByRole('listitem').first()).toHaveAccessibleName(/^fail /);
    await expect(sheet.getByRole('listitem').nth(1).getByRole('img', { name: 'Legacy' })).toBeVisible();
    await expect(sheet.getByRole('listitem').nth(1).getByRole('img', { name: 'Shadow' })).toBeVisible();

    // Approve is blocked, saying why, until the difference is opened.
    const approve = group.getByRole('button', { name: 'Approve group' });
    await expect(approve).toBeDisabled();
    await expect(group).toContainText('Approve is blocked: 1 difference (warn or fail) is neither opened nor excused.');
    const differences = group.getByRole('table', { name: /^Differences of / });
    await expect(differences.getByRole('row')).toHaveCount(2);
    await expect(differences.getByRole('row').nth(1)).toContainText('not opened');
    await shoot(page, 'review-groups-blocked', true);
    await differences.getByRole('link', { name: /^Open the fail comparison / }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(`Comparison of ${KEY}`);
    await page.goBack();
    await expect(differences.getByRole('row').nth(1)).toContainText(/opened by /);
    await expect(approve).toBeEnabled();

    // Approved once, with a note: the badge drops.
    await approve.click();
    const dialog = page.getByRole('dialog', { name: `Approve ${KEY} · legacy.still_default revision 1?` });
    await expect(dialog).toContainText('covers the 3 comparisons of its pending set (2 pass, 0 warn, 1 fail)');
    await dialog.getByLabel('Note').fill('e2e: the failure is the injected fault');
    await dialog.getByRole('button', { name: 'Approve group' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(group.getByRole('status', { name: /^Pending set of / })).toContainText(/^Approved by .+ on .+: e2e: the failure is the injected fault$/);
    await expect(approve).toBeDisabled();
    await expect(nav.getByRole('status', { name: /awaiting a decision/ })).toHaveCount(0);
    // The approval is what the rollout gate reads (the error-rate gate still counts the injected failure).
    await group.getByRole('link', { name: `Rollout of ${KEY}` }).click();
    await expect(page.getByRole('table', { name: 'Gates to enable graph' }).getByRole('row', { name: /^Approved pass/ })).toContainText('yes');
    await page.goBack();

    // A comparison after the approval (another difference): a new pending set, shown as such; excusing it unblocks Approve.
    await host.stop();
    host = await startHost(dataDir, { LIGHTBOX_TEST_FAULTS: FAIL_SHADOW });
    await shadowBatch(request, host, cad.id, 1);
    await waitForComparisons(request, host, 4);
    await page.goto(`${host.url}#/comparisons`);
    await expect(group.getByRole('status', { name: /^Pending set of / })).toHaveText(/^1 new since the approval of .+ \(1 difference\)$/);
    await expect(nav.getByRole('status', { name: '1 review group awaiting a decision' })).toBeVisible();
    await expect(approve).toBeDisabled();
    await differences.getByRole('button', { name: /^Excuse the fail comparison / }).click();
    const excuse = page.getByRole('dialog', { name: 'Excuse the fail comparison?' });
    await excuse.getByLabel('Reason').fill('e2e: injected fault again');
    await excuse.getByRole('button', { name: 'Excuse' }).click();
    await expect(excuse).toHaveCount(0);
    await expect(differences).toContainText(/excused by .+: e2e: injected fault again/);
    await expect(approve).toBeEnabled();
    await shoot(page, 'review-groups-new-set');

    // Decided elsewhere meanwhile (another window, here the API): the page's approval is refused and the backend's message shown.
    await approve.click();
    const late = page.getByRole('dialog', { name: /^Approve / });
    await late.getByLabel('Note').fill('e2e: too late');
    const groupId = (await callApi<{ groups: { id: string }[] }>(request, host, 'review.groups', { outputTypeKey: KEY })).groups[0]?.id;
    await callApi(request, host, 'review.decide', { groupId, decision: 'reject', note: 'e2e: rejected in another window' });
    await late.getByRole('button', { name: 'Approve group' }).click();
    await expect(late.getByRole('alert')).toContainText(`group ${groupId} (${KEY}) has no comparison awaiting a decision; it was last rejected by`);
    await late.getByRole('button', { name: 'Cancel' }).click();
    await expect(group.getByRole('status', { name: /^Pending set of / })).toContainText(/^Rejected by .+: e2e: rejected in another window$/);
    console.log(`review-groups: seeding ${seeded - started} ms, UI ${Date.now() - seeded} ms`);
  } finally {
    await host.stop();
  }
});

test("at a year's scale the groups, their differences and every pair come a page at a time", async ({ page, dataDir }) => {
  test.setTimeout(180_000);
  // 20,000 lines seeded through the services (the bench's seeder): 600 comparisons in 7 groups, one per output type.
  const seeding = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'main', 'bench-lists-seed.mjs'), dataDir, '20000'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(seeding.status, seeding.stderr).toBe(0);
  const host = await startHost(dataDir);
  try {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${host.url}#/comparisons`);
    await expect(page.getByRole('status', { name: 'Review groups awaiting a decision', exact: true })).toHaveText('7 groups awaiting a decision.');
    const titles = page.getByRole('heading', { level: 2, name: / · no workflow unknown revision$/ });
    await expect(titles).toHaveCount(5);
    await page.getByRole('button', { name: 'Load more groups' }).click();
    await expect(titles).toHaveCount(7);
    await expect(page.getByRole('button', { name: 'Load more groups' })).toHaveCount(0);

    const group = page.getByRole('region', { name: `${KEY} · no workflow unknown revision` });
    const counts = group.getByRole('group', { name: 'Counts by verdict' });
    const total = Number(/(\d+) comparisons of/.exec((await counts.textContent()) ?? '')?.[1]);
    const differencesTotal = Number(/(\d+) warn/.exec((await counts.textContent()) ?? '')?.[1]) + Number(/(\d+) fail/.exec((await counts.textContent()) ?? '')?.[1]);
    expect(differencesTotal).toBeGreaterThan(20);
    // The first ten differences came with the group; the rest a page at a time.
    const differences = group.getByRole('table', { name: /^Differences of / });
    await expect(differences.getByRole('row')).toHaveCount(11);
    await expect(group).toContainText(`10 of ${differencesTotal} differences shown.`);
    await group.getByRole('button', { name: 'Load more differences' }).click();
    await expect(differences.getByRole('row')).toHaveCount(differencesTotal + 1);
    await expect(group.getByRole('button', { name: 'Load more differences' })).toHaveCount(0);
    await group.scrollIntoViewIfNeeded();
    await shoot(page, 'review-groups-year', true);

    // The contact sheet is a sample of 24; "Show all" reads every pair, 48 at a time.
    const sheet = group.getByRole('list', { name: /^Contact sheet of / });
    await expect(sheet.getByRole('listitem')).toHaveCount(24);
    await expect(group).toContainText(`A sample of 24 of ${total}: the worst differences, then each CAD file's worst pixel deltas`);
    await group.getByRole('button', { name: `Show all ${total}` }).click();
    await expect(sheet.getByRole('listitem')).toHaveCount(48);
    while ((await group.getByRole('button', { name: 'Load more pairs' }).count()) > 0) {
      const before = await sheet.getByRole('listitem').count();
      await group.getByRole('button', { name: 'Load more pairs' }).click();
      await expect(sheet.getByRole('listitem')).toHaveCount(Math.min(total, before + 48));
    }
    await expect(sheet.getByRole('listitem')).toHaveCount(total);
  } finally {
    await host.stop();
  }
});
