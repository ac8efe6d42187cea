import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';
import type { CliIO } from './verb';
import { createNodeRegistry } from '../nodes/registry';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, stopSignal: new Promise(() => {}) };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('lightbox nodes', () => {
  it('--json prints the registry definitions as {nodes}, exit 0', async () => {
    const c = capture();
    expect(await runCli(['nodes', '--json'], c.io)).toBe(0);
    expect(c.err()).toBe('');
    expect(JSON.parse(c.out())).toEqual({ nodes: createNodeRegistry().definitions() });
  });

  it('prints one line per node type with its state, exit 0', async () => {
    const c = capture();
    expect(await runCli(['nodes'], c.io)).toBe(0);
    const lines = c.out().trimEnd().split('\n');
    const definitions = createNodeRegistry().definitions();
    expect(lines).toHaveLength(definitions.length);
    for (const [i, def] of definitions.entries()) {
      expect(lines[i]).toMatch(new RegExp(`^${def.type}\\s+v${def.version}\\s`));
      expect(lines[i]).toContain(def.executable ? 'ready' : `disabled: ${def.disabledReason}`);
    }
  });
});
