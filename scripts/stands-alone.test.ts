import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ALLOW, outsideReferences, scanRepository } from './outside-paths';

/**
 * Issue #18: the repository stands alone. A clone alone in an empty folder must pass its tests,
 * so no file in it may refer to a path outside it. (The samples below are assembled from parts,
 * so this file does not hold the references it proves are found.)
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const up = '..';
const q = (s: string) => `'${s}'`;
/** `path.resolve(base, 'a', 'b')` as source text. */
const resolveCall = (base: string, segments: string[]) => `path.${'resolve'}(${base}, ${segments.map(q).join(', ')})`;
const beside = path.dirname(root);

describe('the repository stands alone', () => {
  it('no tracked file refers to a path outside the repository', () => {
    const found = scanRepository(root);
    expect(found.map((f) => `${f.file}:${f.line}: ${f.text} (leads to ${f.resolved})`)).toEqual([]);
  });

  describe('the check fires', () => {
    it('on a relative path climbing above the root, resolved against the file that holds it', () => {
      expect(outsideReferences('README.md', `npx lightbox legacy migrate ${up}/shared/legacy/examples/*.json --verify\n`, root)).toEqual([
        { file: 'README.md', line: 1, text: `${up}/shared/legacy/examples/`, resolved: path.join(beside, 'shared', 'legacy', 'examples') },
      ]);
      const deep = 'resources/golden/README.md';
      expect(outsideReferences(deep, `the other part is \`${up}/samples/as1-oc-214.stp\`\n`, root)).toEqual([]);
      expect(outsideReferences(deep, `see\n\`${up}/${up}/${up}/shared/legacy/FORMAT.md\`\n`, root)).toMatchObject([{ line: 2, resolved: path.join(beside, 'shared', 'legacy', 'FORMAT.md') }]);
    });

    it('not on imports that stay inside (the repository has a shared/ folder of its own)', () => {
      const file = 'main/catalog/legacy/parse.ts';
      expect(outsideReferences(file, `import { formatPath } from '${up}/${up}/${up}/shared/contract/errors';\n`, root)).toEqual([]);
      expect(outsideReferences(file, `import { x } from '${up}/${up}/${up}/${up}/shared/contract/errors';\n`, root)).toHaveLength(1);
    });

    it('on path segments joined from the root or from the file itself', () => {
      const file = 'main/catalog/legacy/legacy-testing.ts';
      expect(outsideReferences(file, `export const examplesDir = ${resolveCall('repoRoot', [up, 'shared', 'legacy', 'examples'])};\n`, root)).toMatchObject([
        { resolved: path.join(beside, 'shared', 'legacy', 'examples') },
      ]);
      expect(outsideReferences('e2e/fixtures.ts', `const dir = ${resolveCall('REPO_ROOT', [up, 'shared'])};\n`, root)).toHaveLength(1);
      const here = 'path.dirname(fileURLToPath(import.meta.url))';
      expect(outsideReferences(file, `const repoRoot = ${resolveCall(here, [up, up, up])};\n`, root)).toEqual([]);
      expect(outsideReferences(file, `const beside = ${resolveCall(here, [up, up, up, up])};\n`, root)).toHaveLength(1);
      // A base it cannot tell (a temp folder) is not guessed at.
      expect(outsideReferences(file, `const p = ${resolveCall('tmp.dir', [up, up, up, up])};\n`, root)).toEqual([]);
    });

    it('on an absolute path into the machine folder that holds clones and the shared folder', () => {
      expect(outsideReferences('main/x.ts', `const f = '${'/work'}/shared/legacy/FORMAT.md';\n`, root)).toMatchObject([{ text: `${'/work'}/shared/legacy/FORMAT.md` }]);
      expect(outsideReferences('.ci/run', `cp ${'/work'}/main/resources/x.json .\n`, root)).toHaveLength(1);
      // Scratch paths in examples are fine wherever the clone sits.
      expect(outsideReferences('README.md', 'npx lightbox legacy import x.json --data-dir /tmp/lb\n', root)).toEqual([]);
    });

    it(`not on a line marked "${ALLOW}"`, () => {
      expect(outsideReferences('scripts/x.test.ts', `lint('renderer/areas/x.ts', "import a from '${up}/${up}/workers/a'"); // ${ALLOW} (relative to the linted name)\n`, root)).toEqual([]);
    });
  });

  describe('the scan', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-stands-alone-'));
    afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it('reads text files, skips binary ones and, outside a git checkout, installed and built folders', () => {
      const repo = path.join(tmp, 'repo');
      const reference = `${up}/shared/legacy/examples/preset.still_white_2k.json`;
      fs.mkdirSync(path.join(repo, 'docs'), { recursive: true });
      fs.mkdirSync(path.join(repo, 'node_modules', 'dep'), { recursive: true });
      fs.writeFileSync(path.join(repo, 'docs', 'guide.md'), `# Guide\n\nImport \`${up}/${reference}\`.\n`);
      fs.writeFileSync(path.join(repo, 'picture.png'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0]), Buffer.from(reference)]));
      fs.writeFileSync(path.join(repo, 'node_modules', 'dep', 'index.js'), `require('${reference}');\n`);
      fs.writeFileSync(path.join(repo, 'ok.ts'), `import a from './docs/guide.md';\n`);
      expect(scanRepository(repo)).toEqual([
        { file: 'docs/guide.md', line: 3, text: `${up}/${reference}`, resolved: path.join(tmp, 'shared', 'legacy', 'examples', 'preset.still_white_2k.json') },
      ]);
    });
  });
});
