import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The folder tree of main/ is its architecture: layers, each holding concept folders, and no
// import cycle between two concept folders (lint forbids upward imports; cycles inside a layer
// are caught here).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const main = path.join(root, 'main');
/** The layers, lowest first: the same list eslint.config.js builds its zones from. */
const MAIN_LAYERS = JSON.parse(fs.readFileSync(path.join(root, 'scripts', 'main-layers.json'), 'utf8')) as string[];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    // Test helpers (main/testing, a concept's testing/ folder, testing.ts) stand beside the layers, as eslint.config.js says.
    if (e.isDirectory()) return e.name === 'testing' ? [] : sources(full);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !/(^|-)testing\.ts$/.test(e.name) ? [full] : [];
  });
}

/** `layer/concept` of a file under main/. */
const folderOf = (file: string): string => path.relative(main, file).split(path.sep).slice(0, 2).join('/');

function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sources(main)) {
    const from = folderOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const target = path.resolve(path.dirname(file), m[1] as string);
      if (!target.startsWith(main + path.sep)) continue;
      const to = folderOf(target);
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** One cycle (as a path of folders) if the graph has any. */
function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    if (state.has(node)) continue;
    const found = visit(node);
    if (found) return found;
  }
  return null;
}

describe('main/ architecture', () => {
  it('holds only the layers, the node types (main/nodes, a folder each) and test helpers at its top', () => {
    const top = fs.readdirSync(main).filter((e) => fs.statSync(path.join(main, e)).isDirectory());
    expect(top.sort()).toEqual([...MAIN_LAYERS, 'nodes', 'testing'].sort());
  });

  it('has no import cycle between concept folders', () => {
    const graph = folderGraph();
    expect(graph.size).toBeGreaterThan(20);
    expect(findCycle(graph)).toBeNull();
  });

  it('finds a cycle when there is one (the check can fail)', () => {
    const graph = new Map([
      ['a/x', new Set(['a/y'])],
      ['a/y', new Set(['b/z'])],
      ['b/z', new Set(['a/x'])],
    ]);
    expect(findCycle(graph)).toEqual(['a/x', 'a/y', 'b/z', 'a/x']);
  });
});
