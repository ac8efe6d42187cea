// Where the CAD fixtures copied from occt-import-js's test suite live (see fixtures/README.md).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const fixture = (...parts: string[]) => path.join(FIXTURES, ...parts);
