import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';
import { createNodeRegistry } from '../../catalog/nodes/registry';
import { captureCli } from '../../testing/cli-capture';
import { NODE_RUNTIMES } from '../../nodes/executors';
import { NODE_SPECS } from '../../nodes/specs';

const capture = captureCli;

describe('lightbox nodes', () => {
  it('--json prints the registry definitions as {nodes}, exit 0', async () => {
    const c = capture();
    expect(await runCli(['nodes', '--json'], c.io)).toBe(0);
    expect(c.err()).toBe('');
    expect(JSON.parse(c.out())).toEqual({ nodes: createNodeRegistry(NODE_SPECS, NODE_RUNTIMES).definitions() });
  });

  it('prints one line per node type with its state, exit 0', async () => {
    const c = capture();
    expect(await runCli(['nodes'], c.io)).toBe(0);
    const lines = c.out().trimEnd().split('\n');
    const definitions = createNodeRegistry(NODE_SPECS, NODE_RUNTIMES).definitions();
    expect(lines).toHaveLength(definitions.length);
    for (const [i, def] of definitions.entries()) {
      expect(lines[i]).toMatch(new RegExp(`^${def.type}\\s+v${def.version}\\s`));
      expect(lines[i]).toContain(def.executable ? 'ready' : `disabled: ${def.disabledReason}`);
    }
  });
});
