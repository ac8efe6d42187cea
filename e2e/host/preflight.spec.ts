import { execFileSync } from 'node:child_process';
import { expect, test } from '../fixtures';

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
