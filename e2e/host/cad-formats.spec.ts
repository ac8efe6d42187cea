import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '../fixtures';
import { dropFiles } from '../production-fixtures';

// Issue 20: a multi-file STEP assembly dropped as its files, and an IGES file, through the drop zone.
const INGEST_TIMEOUT = 120_000;
const ASSEMBLY = path.resolve('workers/cad/fixtures/cax-if/s1_pe_214');
const IGES = path.resolve('workers/cad/fixtures/cube-10x10mm/Cube 10x10.igs');

test("an assembly's STEP files dropped together become one library entry with every part; an IGES file dropped beside them is its own entry", async ({ page, host }) => {
  await page.goto(`${host.url}#/cad-library`);
  await expect(page.getByRole('heading', { level: 1, name: 'CAD library' })).toBeVisible();
  const files = fs.readdirSync(ASSEMBLY).map((name) => ({ name, mimeType: 'application/step', buffer: fs.readFileSync(path.join(ASSEMBLY, name)) }));
  files.push({ name: 'Cube 10x10.igs', mimeType: 'model/iges', buffer: fs.readFileSync(IGES) });
  await dropFiles(page.getByRole('group', { name: 'Drop zone for CAD files' }), files);

  const uploads = page.getByRole('list', { name: 'Uploads' });
  await expect(uploads.getByRole('listitem')).toHaveCount(2);
  const table = page.getByRole('table', { name: 'CAD files' });
  for (const [name, parts, box] of [
    ['s1_pe_214.zip', '11', /^456\.4 × 222 × 155\.6 mm$/],
    ['Cube 10x10.igs', '1', /^10 × 10 × 10 mm$/],
  ] as const) {
    const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });
    await expect(row.getByRole('cell').nth(3)).toHaveText(/Ready|Failed/, { timeout: INGEST_TIMEOUT });
    await expect(row.getByRole('cell').nth(3)).toHaveText('Ready');
    await expect(row.getByRole('cell').nth(4)).toHaveText(parts);
    await expect(row.getByRole('cell').nth(6)).toHaveText(box);
  }
});
