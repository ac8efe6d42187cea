import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/**
 * Serious and critical axe violations (WCAG 2.1 A and AA) of the page as it is now, in the light
 * and the dark scheme, one readable line per element. The pointer is moved away first: left on a
 * button it would have axe measure the hover colour, not the page's.
 */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  const found: string[] = [];
  await page.mouse.move(0, 0);
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', colorScheme);
    // Transitions (hover colours, Mantine's) end before colours are measured.
    await page.waitForTimeout(300);
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    for (const v of results.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
      for (const n of v.nodes) found.push(`[${colorScheme}] ${v.id} at ${n.target.join(' ')}: ${(n.failureSummary ?? v.help).replace(/\s+/g, ' ')}`);
    }
  }
  return found;
}

/** Full-page screenshots at the two sizes the team checks (1440×900, 1024×700), back at 1440×900 after. */
export async function screenshotSizes(page: Page, name: string): Promise<void> {
  for (const [width, height] of [
    [1440, 900],
    [1024, 700],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: `test-results/screenshots/${name}-${width}x${height}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}
