import { createNodeRegistry } from '../../../catalog/nodes/registry';
import { EXIT_OK, type Verb } from '../verb';
import { NODE_RUNTIMES } from '../../../nodes/executors';
import { NODE_SPECS } from '../../../nodes/specs';

export const nodesVerb: Verb = {
  name: 'nodes',
  summary: 'List every node type: ports, families, settings schema, defaults, executor or disabled reason.',
  usage: 'lightbox nodes [--json]',
  optionHelp: [['--json', 'print the definitions as JSON (the same data as the nodes.list method)']],
  options: { json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    // The registry needs no data directory: node types are part of the program.
    const nodes = createNodeRegistry(NODE_SPECS, NODE_RUNTIMES).definitions();
    if (values.json) {
      io.stdout(`${JSON.stringify({ nodes }, null, 2)}\n`);
      return EXIT_OK;
    }
    const width = Math.max(...nodes.map((n) => n.type.length));
    for (const n of nodes) {
      const state = n.executable ? 'ready' : `disabled: ${n.disabledReason ?? ''}`;
      io.stdout(`${n.type.padEnd(width)}  v${n.version}  ${n.category.padEnd(6)}  ${n.families.join(',').padEnd(20)}  ${state}\n`);
    }
    return EXIT_OK;
  },
};
