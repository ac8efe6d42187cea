import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Proves the lint rules that guard DESIGN.md's process boundaries actually fire.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const eslint = new ESLint({ cwd: root });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'import-x/no-restricted-paths' || m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals' || m.ruleId === 'import-x/no-unresolved').map((m) => m.message);
}

describe('process boundaries', () => {
  it('renderer/ may not import main/ or workers/', async () => {
    expect(await problems('renderer/x.ts', "import { createBackend } from '../main/entry/app/backend';\nexport const a = createBackend;\n")).toEqual([
      expect.stringContaining('through the contract'),
    ]);
    expect(await problems('renderer/areas/x.ts', "import { runBlender } from '../../workers/blender/run-blender';\nexport const a = runBlender;\n")).toHaveLength(1); // outside-paths: allow (relative to renderer/areas/x.ts)
  });

  it('an import that does not resolve is an error, so it cannot slip past the boundaries', async () => {
    expect(await problems('shared/x.ts', "import { thing } from '../renderer/nowhere';\nexport const a = thing;\n")).toEqual([
      expect.stringContaining('Unable to resolve'),
    ]);
  });

  it('renderer/ may import shared/ and itself', async () => {
    expect(await problems('renderer/x.ts', "import { methods } from '../shared/contract';\nexport const a = methods;\n")).toEqual([]);
  });

  it('renderer/ and shared/ may not use Node built-ins or electron', async () => {
    expect(await problems('renderer/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toHaveLength(1);
    expect(await problems('shared/x.ts', "import path from 'path';\nexport const a = path;\n")).toHaveLength(1);
    expect(await problems('renderer/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n")).toHaveLength(1);
    expect(await problems('renderer/x.ts', 'export const a = process.env;\n')).toHaveLength(1);
  });

  it('shared/ may not import main/ or renderer/', async () => {
    expect(await problems('shared/x.ts', "import { createDispatch } from '../main/platform/transport/dispatch';\nexport const a = createDispatch;\n")).toHaveLength(1);
    expect(await problems('shared/x.ts', "import { thing } from '../renderer/main';\nexport const a = thing;\n")).toHaveLength(1);
  });

  it('only main/entry/electron/ imports electron', async () => {
    const code = "import { app } from 'electron';\nexport const a = app;\n";
    expect(await problems('main/entry/electron/x.ts', code)).toEqual([]);
    expect(await problems('main/entry/host/x.ts', code)).toEqual([expect.stringContaining('only main/entry/electron/ may import electron')]);
    expect(await problems('main/x.ts', code)).toHaveLength(1);
    expect(await problems('workers/x.ts', code)).toHaveLength(1);
  });
});

describe('main/ layers (platform → catalog → production → execution → review → entry)', () => {
  it('a lower layer may not import a higher one', async () => {
    expect(await problems('main/catalog/x.ts', "import { runGraph } from '../execution/runtime/run-graph';\nexport const a = runGraph;\n")).toEqual([
      expect.stringContaining('main/catalog is below production, execution, review, entry'),
    ]);
    expect(await problems('main/platform/x.ts', "import { createBackend } from '../entry/app/backend';\nexport const a = createBackend;\n")).toHaveLength(1);
    expect(await problems('main/production/x.ts', "import { compareRuns } from '../review/comparison/compare-runs';\nexport const a = compareRuns;\n")).toHaveLength(1);
    // Type-only imports count too: a type names a dependency as much as a value does.
    expect(await problems('main/execution/x.ts', "import type { Backend } from '../entry/app/backend';\nexport type A = Backend;\n")).toHaveLength(1);
  });

  it('a higher layer may import every lower one', async () => {
    expect(await problems('main/entry/x.ts', "import { openDatabase } from '../platform/db/open-database';\nexport const a = openDatabase;\n")).toEqual([]);
    expect(await problems('main/review/x.ts', "import { runGraph } from '../execution/runtime/run-graph';\nexport const a = runGraph;\n")).toEqual([]);
  });

  it('workers/ never imports main/; main/testing is for tests only', async () => {
    expect(await problems('workers/x.ts', "import { openDatabase } from '../main/platform/db/open-database';\nexport const a = openDatabase;\n")).toEqual([
      expect.stringContaining('workers/ never imports main/'),
    ]);
    expect(await problems('main/execution/x.ts', "import { makeTempDir } from '../testing/temp-dir';\nexport const a = makeTempDir;\n")).toEqual([
      expect.stringContaining('only tests import them'),
    ]);
    expect(await problems('main/execution/x.test.ts', "import { makeTempDir } from '../testing/temp-dir';\nexport const a = makeTempDir;\n")).toEqual([]);
  });
});

describe('main/nodes: a folder per node type (spec.ts pure, execute.ts execution code)', () => {
  it('the renderer and lower layers may read node specs, never executors', async () => {
    expect(await problems('renderer/x.ts', "import { NODE_SPECS } from '../main/nodes/specs';\nexport const a = NODE_SPECS;\n")).toEqual([]);
    expect(await problems('renderer/x.ts', "import { spec } from '../main/nodes/render_still/spec';\nexport const a = spec;\n")).toEqual([]);
    expect(await problems('renderer/x.ts', "import { NODE_RUNTIMES } from '../main/nodes/executors';\nexport const a = NODE_RUNTIMES;\n")).toHaveLength(1);
    expect(await problems('main/catalog/x.ts', "import { NODE_SPECS } from '../nodes/specs';\nexport const a = NODE_SPECS;\n")).toEqual([]);
    expect(await problems('main/catalog/x.ts', "import { execute } from '../nodes/render_still/execute';\nexport const a = execute;\n")).toEqual([
      expect.stringContaining('main/catalog may read node specs only'),
    ]);
  });

  it('a spec is pure: no main/ code beyond other specs, no Node built-ins', async () => {
    expect(await problems('main/nodes/render_still/spec.ts', "import { renderStill } from '../../execution/render/still';\nexport const a = renderStill;\n")).toEqual([ // outside-paths: allow (relative to main/nodes/render_still/spec.ts)
      expect.stringContaining('a node spec is pure vocabulary'),
    ]);
    expect(await problems('main/nodes/render_still/spec.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toHaveLength(1);
  });

  it('an executor may use the layers up to execution, never review or entry', async () => {
    expect(await problems('main/nodes/render_still/execute.ts', "import { renderStill } from '../../execution/render/still';\nexport const a = renderStill;\n")).toEqual([]); // outside-paths: allow (relative to main/nodes/render_still/execute.ts)
    expect(await problems('main/nodes/render_still/execute.ts', "import { createBackend } from '../../entry/app/backend';\nexport const a = createBackend;\n")).toEqual([ // outside-paths: allow (relative to main/nodes/render_still/execute.ts)
      expect.stringContaining('an executor is execution code'),
    ]);
  });
});
