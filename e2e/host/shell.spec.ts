import AxeBuilder from '@axe-core/playwright';
import type { Page, WebSocketRoute } from '@playwright/test';
import { expect, test } from '../fixtures';
import { callApi } from '../production-fixtures';
import { prepareRuns } from '../run-fixtures';
import { createLine, dispatchAndWait, waitForComparison } from '../review-fixtures';

const AREAS = ['Workflows', 'Runs', 'Orders', 'CAD library', 'Output types', 'Comparisons', 'Farm', 'Sync', 'Preflight', 'Settings'];

// Screenshots of every area (light and dark) are taken by a11y.spec.ts, the one place that photographs areas.

test('the app loads with every area in the navigation, each area opens its page, and the current one is marked', async ({ page, host }) => {
  await page.goto(host.url);

  const nav = page.getByRole('navigation', { name: 'Areas' });
  await expect(nav.getByRole('link')).toHaveText(AREAS);
  // "/" lands on Preflight.
  await expect(page.getByRole('heading', { level: 1, name: 'Preflight' })).toBeVisible();
  // The token left the visible URL.
  expect(page.url()).not.toContain('token=');

  for (const size of [
    { width: 1440, height: 900 },
    { width: 1024, height: 700 },
  ]) {
    await page.setViewportSize(size);
    for (const area of AREAS) {
      const link = nav.getByRole('link', { name: area, exact: true });
      await link.click();
      await expect(page.getByRole('heading', { level: 1 }).first()).toContainText(area === 'CAD library' ? /CAD library/ : new RegExp(area, 'i'));
      await expect(page.getByRole('main')).not.toContainText(/not built yet/i);
      // The current area, and only it, is marked for assistive tech.
      await expect(link).toHaveAttribute('aria-current', 'page');
      await expect(nav.locator('[aria-current="page"]')).toHaveCount(1);
    }
  }
});

test('the Farm page shows the farm, not started until the first render', async ({ page, host }) => {
  await page.goto(host.url);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Farm' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Farm' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Not started' })).toContainText(/Blender process(es)?, (warm|cold) mode/);
  await expect(page.getByRole('heading', { name: 'Tasks' })).toBeVisible();
  await expect(page.getByText(/the queue is empty\./)).toBeVisible();
});

test('the first Tab reaches "Skip to content", Enter puts focus on the page heading, and the rest of the order is unchanged', async ({ page, host }) => {
  await page.goto(`${host.url}#/settings`);
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  // Nothing is focused after a page load: the next Tab is the page's first.
  await expect(page.locator('body')).toBeFocused();

  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  // Shown while focused (it sits off screen otherwise).
  const box = await skip.boundingBox();
  expect(box && box.y >= 0 && box.height > 0).toBe(true);
  // Without Enter, the next stop is the first area link, as before the skip link existed.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Workflows', exact: true })).toBeFocused();

  await page.keyboard.press('Shift+Tab');
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeFocused();
  // The route did not change (the router owns the hash).
  expect(new URL(page.url()).hash).toBe('#/settings');
  // The next Tab goes into the page, past the sidebar.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => Boolean(document.activeElement?.closest('main')))).toBe(true);
});

test('the connection banner shows while the host is unreachable and goes once the connection is back', async ({ page, host }) => {
  // Every socket of the page goes through the test: proxied to the host while "up", closed at once while "down".
  let down = false;
  const live = new Set<WebSocketRoute>();
  await page.routeWebSocket(/\/ws\?token=/, (ws) => {
    if (down) {
      void ws.close();
      return;
    }
    ws.connectToServer();
    live.add(ws);
  });
  await page.goto(`${host.url}#/farm`);
  const connection = page.getByRole('complementary').getByRole('status').filter({ hasText: /^(Connected|Connecting|Reconnecting|Connection lost)/ });
  await expect(connection).toHaveText('Connected');
  const banner = page.getByRole('alert', { name: 'Connection lost' });
  await expect(banner).toHaveCount(0);

  down = true;
  for (const ws of live) await ws.close();
  live.clear();
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('Lost the connection to the Lightbox host');
  await expect(connection).toContainText(/Connection lost|Reconnecting/);

  down = false;
  // "Retry now" skips the backoff wait; the banner must then go on its own.
  await page.getByRole('button', { name: 'Retry now' }).click();
  await expect(connection).toHaveText('Connected', { timeout: 20_000 });
  await expect(banner).toHaveCount(0);
  // Calls work again.
  await expect(page.getByRole('heading', { level: 1, name: 'Farm' })).toBeVisible();
});

/** The review notice of a comparison in the sidebar's log. */
const notices = (page: Page) => page.getByRole('log', { name: 'Review notifications' });

test('the review badge is whole, the review notice is readable and not red for a pass, and both go once the comparison is approved', async ({ page, host, request }) => {
  test.setTimeout(300_000);
  const key = 'still_white_2k';
  const { cadFileId } = await prepareRuns(request, host);
  await page.goto(`${host.url}#/farm`);
  await expect(page.getByRole('heading', { level: 1, name: 'Farm' })).toBeVisible();

  const lineId = await createLine(request, host, cadFileId, key);
  await dispatchAndWait(request, host, lineId, 'shadow');
  const comparison = await waitForComparison(request, host, key);
  expect(comparison.verdict).toBe('pass');

  const nav = page.getByRole('navigation', { name: 'Areas' });
  const badge = nav.getByRole('status', { name: '1 review group awaiting a decision' });
  await expect(badge).toBeVisible();
  // Not clipped: the whole badge lies inside the navigation and its text fits its box.
  const [badgeBox, navBox] = [await badge.boundingBox(), await nav.boundingBox()];
  expect(badgeBox && navBox).toBeTruthy();
  expect(badgeBox!.x).toBeGreaterThanOrEqual(navBox!.x);
  expect(badgeBox!.x + badgeBox!.width).toBeLessThanOrEqual(navBox!.x + navBox!.width);
  expect(await badge.evaluate((el) => el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1)).toBe(true);
  // The link keeps its plain name beside the badge.
  await expect(nav.getByRole('link', { name: 'Comparisons', exact: true })).toBeVisible();

  const notice = notices(page);
  await expect(notice).toContainText(`Shadow results of ${key} await a review decision (the first: pass)`);
  const reviewLink = notice.getByRole('link', { name: 'Review it' });
  await expect(reviewLink).toBeVisible();
  // Readable in both schemes: axe's contrast rule on the notice (≥ 4.5:1 for its text and link).
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', colorScheme);
    await page.waitForTimeout(200);
    const contrast = await new AxeBuilder({ page }).include('[aria-label="Review notifications"]').withRules(['color-contrast']).analyze();
    expect(contrast.violations.flatMap((v) => v.nodes.map((n) => `${colorScheme}: ${n.target.join(' ')}: ${n.failureSummary ?? ''}`))).toEqual([]);
    // A passing verdict is not drawn as a failure: nothing in the notice is red.
    const reds = await notice.evaluate((root) => {
      const red = (c: string) => {
        const m = /rgba?\((\d+), (\d+), (\d+)/.exec(c);
        return m ? Number(m[1]) > 150 && Number(m[2]) < 110 && Number(m[3]) < 110 : false;
      };
      return [root, ...root.querySelectorAll('*')].filter((el) => {
        const s = getComputedStyle(el);
        return red(s.color) || red(s.borderTopColor) || red(s.borderLeftColor) || red(s.backgroundColor);
      }).length;
    });
    expect(reds).toBe(0);
  }

  // Approved elsewhere (here through the API, as another window would): the next look at the
  // backend drops both the badge and the now stale notice.
  await callApi(request, host, 'comparisons.review', { comparisonId: comparison.id, decision: 'approve', note: 'e2e: pass' });
  await nav.getByRole('link', { name: 'Comparisons', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Comparisons' })).toBeVisible();
  await expect(nav.getByRole('status', { name: /awaiting a decision/ })).toHaveCount(0);
  await expect(notice.getByText(/await a review decision/)).toHaveCount(0);
});
