import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WorkflowDocument } from '../../../../shared/workflow/document';
import { nodeSettingsArb, settingLeaves, SETTING_TREES } from '../../../../shared/workflow/testing/arbitrary';
import { workflowContentText } from '../../../../shared/workflow/content';
import { hasErrors } from '../../../../shared/workflow/problems';
import { formatPath, validateWorkflow } from '../../../../shared/workflow/validate';
import { loadWorkflowDocument } from '../../../../shared/workflow/versions';
import { createNodeRegistry } from '../../nodes/registry';
import { NODE_RUNTIMES } from '../../../nodes/executors';
import { NODE_SPECS } from '../../../nodes/specs';
import { addNode, connect, edit, node, removeNode, setSetting, stillBase } from './merge-testing';
import { mergeWorkflows, resolveConflicts, type MergeConflict, type MergeResult } from './merge-workflows';
import { isPlainObject, sameValue } from './three-way';

const catalog = createNodeRegistry(NODE_SPECS, NODE_RUNTIMES);
const canonical = (d: WorkflowDocument) => {
  const loaded = loadWorkflowDocument(d);
  if (!loaded.ok) throw new Error(loaded.message);
  return loaded.document;
};
const valid = (d: WorkflowDocument) => !hasErrors(validateWorkflow(d, catalog).problems);
const RUNS = { numRuns: 100 };

// ---------------------------------------------------------------------------------------------
// Edits an author makes on a workstation, each keeping the document valid on its own.

type Edit = (d: WorkflowDocument) => void;

/** Settings whose validity depends on another setting: edited by neither side here. */
const LINKED = new Set(['channels', 'webhook_url']);

/** Set or clear one setting leaf of a node of the document (picked by index), to a valid value. */
const settingEdit: fc.Arbitrary<Edit> = fc
  .tuple(fc.nat(), fc.nat(), fc.boolean(), fc.integer())
  .chain(([nodeAt, leafAt, clear, seed]) =>
    fc.constant<Edit>((d) => {
      const n = d.nodes[nodeAt % d.nodes.length];
      const leaves = settingLeaves(SETTING_TREES[n?.type ?? ''] ?? {}).filter(([path]) => !LINKED.has(path));
      const leaf = leaves[leafAt % Math.max(1, leaves.length)];
      if (!n || !leaf) return;
      const [path, arb] = leaf;
      setSetting(d, n.id, path, clear ? undefined : fc.sample(arb, { numRuns: 1, seed })[0]);
    }),
  );

/** A few settings both sides like to touch, with few values: where edits collide. */
const hotEdit: fc.Arbitrary<Edit> = fc
  .constantFrom<[string, string, unknown[]]>(
    ['step4_render_still', 'renderer.samples', [32, 64, 128, undefined]],
    ['step4_render_still', 'output.format', ['png', 'jpeg', undefined]],
    ['step5_save_output', 'folder', ['renders', 'Übersicht', undefined]],
    ['postprocess_1', 'trim', [true, false]],
  )
  .chain(([id, path, choices]) => fc.constantFrom(...choices).map<Edit>((value) => (d) => void (d.nodes.some((n) => n.id === id) && setSetting(d, id, path, value))));

/** A few values per field, so two sides sometimes agree and sometimes differ. */
const fieldEdit: fc.Arbitrary<Edit> = fc.oneof(
  fc.constantFrom('Still A', 'Still B').map<Edit>((name) => (d) => void (d.name = name)),
  fc.constantFrom('graph', 'shadow').map<Edit>((mode) => (d) => void (d.executionMode = mode as 'graph' | 'shadow')),
  fc.tuple(fc.constantFrom('notes', 'tags'), fc.constantFrom('x', 'y')).map<Edit>(([key, value]) => (d) => void (d.metadata[key] = value)),
  fc.tuple(fc.nat(), fc.constantFrom(0, 100)).map<Edit>(([at, x]) => (d) => {
    const n = d.nodes[at % d.nodes.length];
    if (n) n.position = { x, y: n.position.y };
  }),
  fc.tuple(fc.nat(), fc.constantFrom('Main', 'Other', undefined)).map<Edit>(([at, label]) => (d) => {
    const n = d.nodes[at % d.nodes.length];
    if (!n) return;
    if (label === undefined) delete n.label;
    else n.label = label;
  }),
  fc.tuple(fc.nat(), fc.constantFrom('Samples', 'Quality')).map<Edit>(([at, title]) => (d) => {
    const p = d.parameters?.[at % d.parameters.length];
    if (p) p.title = title;
  }),
);

/** Nodes added after the render (ids from a small pool, as the editor numbers them) or deleted. */
const graphEdit: fc.Arbitrary<Edit> = fc.oneof(
  fc.tuple(fc.constantFrom('postprocess_1', 'postprocess_2'), nodeSettingsArb('postprocess')).map<Edit>(([id, settings]) => (d) => {
    if (d.nodes.some((n) => n.id === id)) return;
    addNode(d, id, 'postprocess', settings);
    connect(d, 'step4_render_still', 'image', id, 'image');
  }),
  fc.constantFrom('output_save_1', 'output_save_2').map<Edit>((id) => (d) => {
    // Saves what a postprocess node gives, when there is one.
    const from = d.nodes.find((n) => n.type === 'postprocess');
    if (!from || d.nodes.some((n) => n.id === id)) return;
    addNode(d, id, 'output_save');
    connect(d, from.id, 'thumbnail', id, 'artifact');
  }),
  // Leaves of the graph: deleting them leaves every other input fed.
  fc.constantFrom('step6_notify', 'postprocess_1', 'postprocess_2', 'output_save_1').map<Edit>((id) => (d) => {
    if (!d.nodes.some((n) => n.id === id) || d.edges.some((e) => e.source === id)) return;
    removeNode(d, id);
  }),
  // Chains one postprocess node after the other (both sides doing it crosswise would loop).
  fc.constantFrom(['postprocess_1', 'postprocess_2'], ['postprocess_2', 'postprocess_1']).map<Edit>(([from, to]) => (d) => {
    if (!d.nodes.some((n) => n.id === from) || !d.nodes.some((n) => n.id === to)) return;
    d.edges = d.edges.filter((e) => !(e.target === to && e.targetPort === 'image'));
    connect(d, from as string, 'image', to as string, 'image');
  }),
  // Rewires the still's save step to take a postprocessed image.
  fc.constantFrom('image', 'thumbnail').map<Edit>((port) => (d) => {
    const from = d.nodes.find((n) => n.type === 'postprocess');
    if (!from) return;
    d.edges = d.edges.filter((e) => !(e.target === 'step5_save_output' && e.targetPort === 'artifact'));
    connect(d, from.id, port, 'step5_save_output', 'artifact');
  }),
);

const editsArb = fc.array(fc.oneof({ weight: 2, arbitrary: settingEdit }, { weight: 4, arbitrary: hotEdit }, { weight: 2, arbitrary: fieldEdit }, { weight: 3, arbitrary: graphEdit }), { minLength: 2, maxLength: 8 });
const apply = (doc: WorkflowDocument, edits: readonly Edit[]) => edit(doc, (d) => edits.forEach((e) => e(d)));

/** A realistic base: the migrated still workflow, with settings on its nodes and maybe a postprocess node. */
const baseArb: fc.Arbitrary<WorkflowDocument> = fc
  .tuple(fc.tuple(...stillBase().nodes.map((n) => fc.option(nodeSettingsArb(n.type), { nil: undefined }))), fc.array(graphEdit, { maxLength: 3 }))
  .map(([settings, edits]) => {
    const doc = edit(stillBase(), (d) => d.nodes.forEach((n, i) => (n.settings = settings[i] ?? {})));
    return apply(doc, edits);
  });

/** base plus two valid sides edited from it. */
const triple = baseArb
  .chain((base) => fc.tuple(fc.constant(base), editsArb.map((e) => apply(base, e)), editsArb.map((e) => apply(base, e))))
  .filter(([b, m, t]) => valid(b) && valid(m) && valid(t));

// ---------------------------------------------------------------------------------------------
// What a document says, atom by atom: the unit the merge promises to keep.

function atoms(doc: WorkflowDocument): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const leaves = (prefix: string, path: string[], value: unknown) => {
    if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) leaves(prefix, [...path, k], v);
    else out.set(`${prefix}${formatPath(path)}`, value);
  };
  for (const f of ['id', 'name', 'family', 'executionMode'] as const) out.set(`workflow/${f}`, doc[f]);
  for (const [k, v] of Object.entries(doc.metadata)) leaves('metadata/', [k], v);
  for (const n of doc.nodes) {
    out.set(`node:${n.id}`, true);
    for (const [k, v] of Object.entries(n)) if (k !== 'settings') out.set(`node:${n.id}/${k}`, v);
    for (const [k, v] of Object.entries(n.settings)) leaves(`node:${n.id}/settings.`, [k], v);
  }
  for (const e of doc.edges) out.set(`edge:${e.id}`, e);
  for (const p of doc.parameters ?? []) for (const [k, v] of Object.entries(p)) out.set(`param:${p.name}/${k}`, v);
  return out;
}

/** Whether a conflict stands for the atom: the same id, a group holding it, or its whole item. */
const covered = (atom: string, conflicts: readonly MergeConflict[]) => {
  const item = atom.split('/')[0] as string;
  return conflicts.some((c) => atom === c.id || atom.startsWith(`${c.id}.`) || atom.startsWith(`${c.id}[`) || c.id === item || (c.items ?? []).includes(item));
};

const mirrored = (c: MergeConflict) => {
  const { mine, theirs, message: _message, ...rest } = c;
  return { ...rest, ...(theirs !== undefined ? { mine: theirs } : {}), ...(mine !== undefined ? { theirs: mine } : {}) };
};
const withoutMessage = ({ message: _message, ...rest }: MergeConflict) => rest;
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Chooses one side for every conflict, again and again, until none is open. */
function resolveAll(result: MergeResult, side: 'mine' | 'theirs'): MergeResult {
  let r = result;
  for (let i = 0; i < 20 && r.conflicts.length > 0; i += 1) r = resolveConflicts(r, Object.fromEntries(r.conflicts.map((c) => [c.id, side])), catalog);
  return r;
}

describe('mergeWorkflows: properties over generated edit pairs on the migrated still workflow', () => {
  it('merge(base, x, x) is x, and merge(base, base, x) and merge(base, x, base) are x, lists in x\'s order', () => {
    fc.assert(
      fc.property(triple, ([base, x]) => {
        for (const [m, t] of [
          [x, x],
          [base, x],
          [x, base],
        ] as const) {
          const r = mergeWorkflows(base, m, t, catalog);
          expect(r.conflicts).toEqual([]);
          // Against x as the merge loads it; list order counts, key order does not (the same settings in
          // another key order are no change, so base's order may stand).
          expect(r.merged).toEqual(canonical(x));
          expect(workflowContentText(r.merged)).toBe(workflowContentText(x));
          expect(r.valid).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('is symmetric: swapping mine and theirs gives the same document without conflicts, the mirrored conflicts otherwise', () => {
    fc.assert(
      fc.property(triple, ([base, mine, theirs]) => {
        const a = mergeWorkflows(base, mine, theirs, catalog);
        const b = mergeWorkflows(base, theirs, mine, catalog);
        if (a.conflicts.length === 0) {
          expect(b.conflicts).toEqual([]);
          expect(b.merged).toEqual(a.merged);
          // Byte for byte as revisions hash it: whichever workstation merges, the merge is one revision.
          expect(workflowContentText(b.merged)).toBe(workflowContentText(a.merged));
          return;
        }
        // Item-level conflicts mirror exactly; structural ones name the same place.
        const itemLevel = (r: MergeResult) => r.conflicts.filter((c) => ['value', 'add-add', 'delete-edit'].includes(c.kind));
        expect(itemLevel(b).map(withoutMessage).sort(byId)).toEqual(itemLevel(a).map(mirrored).sort(byId));
        // Whichever side is called mine, taking the same person's side everywhere gives one document.
        expect(resolveAll(b, 'theirs').merged).toEqual(resolveAll(a, 'mine').merged);
        expect(resolveAll(b, 'mine').merged).toEqual(resolveAll(a, 'theirs').merged);
      }),
      RUNS,
    );
  });

  it('never loses a one-sided change: each is in the merged document or under a conflict', () => {
    fc.assert(
      fc.property(triple, ([base, mine, theirs]) => {
        const r = mergeWorkflows(base, mine, theirs, catalog);
        const [b, m, t, merged] = [base, mine, theirs, r.merged].map(atoms) as Map<string, unknown>[];
        for (const [side, other] of [
          [m, t],
          [t, m],
        ] as const) {
          for (const atom of new Set([...(side as Map<string, unknown>).keys(), ...(b as Map<string, unknown>).keys()])) {
            const changed = !sameValue(side?.get(atom), b?.get(atom)) && sameValue(other?.get(atom), b?.get(atom));
            if (!changed || covered(atom, r.conflicts)) continue;
            expect({ atom, value: merged?.get(atom) }).toEqual({ atom, value: side?.get(atom) });
          }
        }
      }),
      RUNS,
    );
  });

  it('a merge with no conflicts validates, and so does every merge once each conflict is resolved either way', () => {
    fc.assert(
      fc.property(triple, ([base, mine, theirs]) => {
        const r = mergeWorkflows(base, mine, theirs, catalog);
        if (r.conflicts.length === 0) expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
        expect(r.valid).toBe(r.conflicts.length === 0);
        for (const side of ['mine', 'theirs'] as const) {
          const done = resolveAll(r, side);
          expect(done.conflicts).toEqual([]);
          expect(done.problems.filter((p) => p.severity === 'error')).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('edits of different nodes made on both sides merge with no conflict', () => {
    const base = stillBase();
    fc.assert(
      fc.property(settingEdit, settingEdit, (e1, e2) => {
        // mine edits only the render, theirs only the notify step.
        const mine = edit(base, (d) => {
          const only = edit(d, e1);
          node(d, 'step4_render_still').settings = node(only, 'step4_render_still').settings;
        });
        const theirs = edit(base, (d) => {
          const only = edit(d, e2);
          node(d, 'step6_notify').settings = node(only, 'step6_notify').settings;
        });
        const r = mergeWorkflows(base, mine, theirs, catalog);
        expect(r.conflicts).toEqual([]);
        expect(node(r.merged, 'step4_render_still')).toEqual(node(mine, 'step4_render_still'));
        expect(node(r.merged, 'step6_notify')).toEqual(node(theirs, 'step6_notify'));
      }),
      RUNS,
    );
  });
});
