import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The clone's root (this file is main/catalog/legacy/legacy-testing.ts). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The legacy example documents, shipped in the repository (resources/legacy/examples). */
export const examplesDir = path.join(repoRoot, 'resources', 'legacy', 'examples');

/** Every example document as the CLI and the contract hand them over. */
export function exampleDocuments(): { fileName: string; text: string }[] {
  return fs
    .readdirSync(examplesDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ fileName: f, text: fs.readFileSync(path.join(examplesDir, f), 'utf8') }));
}
