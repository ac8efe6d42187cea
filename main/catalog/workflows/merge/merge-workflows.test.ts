import { describe, expect, it } from 'vitest';
import type { WorkflowDocument } from '../../../../shared/workflow/document';
import { createNodeRegistry } from '../../nodes/registry';
import { NODE_RUNTIMES } from '../../../nodes/executors';
import { NODE_SPECS } from '../../../nodes/specs';
import { MergeChoiceError, MergeInputError, mergeWorkflows, resolveConflicts, type MergeResult } from './merge-workflows';
import { mergeOrder } from './three-way';
import { addNode, connect, disconnect, edit, node, NOTIFY, removeNode, RENDER, setSetting, stillBase } from './merge-testing';

const catalog = createNodeRegistry(NODE_SPECS, NODE_RUNTIMES);
const setting = (d: WorkflowDocument, id: string, group: string, key: string, value: unknown) => setSetting(d, id, `${group}.${key}`, value);
const ids = (r: MergeResult) => r.conflicts.map((c) => c.id);

describe('mergeWorkflows: one-sided and identical changes', () => {
  const base = stillBase();

  it('takes edits to different nodes from both sides, with no conflict, and the result validates', () => {
    const mine = edit(base, (d) => setting(d, RENDER, 'renderer', 'samples', 128));
    const theirs = edit(base, (d) => (node(d, NOTIFY).settings.on_failure = false));
    const r = mergeWorkflows(base, mine, theirs, catalog);
    expect(r.conflicts).toEqual([]);
    expect(r.valid).toBe(true);
    expect(node(r.merged, RENDER).settings).toEqual({ renderer: { samples: 128 } });
    expect(node(r.merged, NOTIFY).settings).toEqual({ on_failure: false });
  });

  it('merges different settings of one node, even inside one group, key by key', () => {
    const b = edit(base, (d) => setting(d, RENDER, 'renderer', 'samples', 32));
    const mine = edit(b, (d) => setting(d, RENDER, 'renderer', 'samples', 64));
    const theirs = edit(b, (d) => {
      setting(d, RENDER, 'renderer', 'seed', 7);
      setting(d, RENDER, 'resolution', 'width', 2048);
    });
    const r = mergeWorkflows(b, mine, theirs, catalog);
    expect(r.conflicts).toEqual([]);
    expect(node(r.merged, RENDER).settings).toEqual({ renderer: { samples: 64, seed: 7 }, resolution: { width: 2048 } });
  });

  it('takes the same change made on both sides once', () => {
    const both = (d: WorkflowDocument) => {
      setting(d, RENDER, 'renderer', 'samples', 256);
      addNode(d, 'postprocess_1', 'postprocess', { trim: true });
      connect(d, RENDER, 'image', 'postprocess_1', 'image');
    };
    const r = mergeWorkflows(base, edit(base, both), edit(base, both), catalog);
    expect(r.conflicts).toEqual([]);
    expect(r.merged).toEqual(edit(base, both));
    expect(r.merged.nodes.filter((n) => n.id === 'postprocess_1')).toHaveLength(1);
  });

  it('takes a node added on one side, one deleted on the other, and their edges', () => {
    const mine = edit(base, (d) => {
      addNode(d, 'postprocess_1', 'postprocess');
      connect(d, RENDER, 'image', 'postprocess_1', 'image');
    });
    const theirs = edit(base, (d) => {
      removeNode(d, NOTIFY);
    });
    const r = mergeWorkflows(base, mine, theirs, catalog);
    expect(r.conflicts).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.merged.nodes.map((n) => n.id)).toEqual([...base.nodes.map((n) => n.id).filter((id) => id !== NOTIFY), 'postprocess_1']);
    expect(r.merged.edges.map((e) => e.id)).toContain('step4_render_still.image-postprocess_1.image');
    expect(r.merged.edges.map((e) => e.id)).not.toContain('step5_save_output.asset-step6_notify.asset');
  });

  it('merges workflow fields, parameters and metadata per field and key', () => {
    const mine = edit(base, (d) => {
      d.name = 'Still (studio)';
      d.metadata.notes = 'mine';
      (d.parameters ?? [])[1]!.default = 128;
    });
    const theirs = edit(base, (d) => {
      d.executionMode = 'shadow';
      d.metadata.tags = ['a'];
      (d.parameters ?? [])[1]!.title = 'Render samples';
    });
    const r = mergeWorkflows(base, mine, theirs, catalog);
    expect(r.conflicts).toEqual([]);
    expect(r.merged).toMatchObject({ name: 'Still (studio)', executionMode: 'shadow', metadata: { notes: 'mine', tags: ['a'], legacy: base.metadata.legacy } });
    expect(r.merged.parameters?.[1]).toMatchObject({ name: 'renderer.samples', title: 'Render samples', default: 128 });
  });

  it('keeps mine\'s revision: the store counter is not content', () => {
    const r = mergeWorkflows(base, { ...base, revision: 4 }, { ...base, revision: 9 }, catalog);
    expect(r.conflicts).toEqual([]);
    expect(r.merged.revision).toBe(4);
  });
});

describe('mergeWorkflows: conflicts', () => {
  const base = edit(stillBase(), (d) => {
    setting(d, RENDER, 'renderer', 'samples', 32);
    node(d, RENDER).label = 'Still';
  });

  it('the same setting changed differently: one conflict naming node and setting, left at mine', () => {
    const mine = edit(base, (d) => setting(d, RENDER, 'renderer', 'samples', 64));
    const theirs = edit(base, (d) => setting(d, RENDER, 'renderer', 'samples', 128));
    const r = mergeWorkflows(base, mine, theirs, catalog);
    expect(r.conflicts).toEqual([
      {
        id: `node:${RENDER}/settings.renderer.samples`,
        kind: 'value',
        path: ['nodes', RENDER, 'settings', 'renderer', 'samples'],
        base: 32,
        mine: 64,
        theirs: 128,
        message: "render_still 'Still' setting renderer.samples: mine 64, theirs 128, base 32",
        nodeId: RENDER,
      },
    ]);
    expect(r.valid).toBe(false);
    expect(node(r.merged, RENDER).settings).toEqual({ renderer: { samples: 64 } });

    const taken = resolveConflicts(r, { [`node:${RENDER}/settings.renderer.samples`]: 'theirs' }, catalog);
    expect(taken.conflicts).toEqual([]);
    expect(taken.valid).toBe(true);
    expect(node(taken.merged, RENDER).settings).toEqual({ renderer: { samples: 128 } });
    expect(taken.choices).toEqual({ [`node:${RENDER}/settings.renderer.samples`]: 'theirs' });
  });

  it('names a setting deep in a group by its path, quoting keys that are not plain names', () => {
    const b = edit(base, (d) => setSetting(d, 'step3_apply_materials', 'by_part', { '*bolt*': 'chrome', housing: 'chrome' }));
    const mine = edit(b, (d) => setSetting(d, 'step3_apply_materials', 'by_part', { '*bolt*': 'black_oxide', housing: 'brushed_steel' }));
    const theirs = edit(b, (d) => setSetting(d, 'step3_apply_materials', 'by_part', { '*bolt*': 'rubber_black', housing: 'chrome', 'lens?': 'chrome' }));
    const r = mergeWorkflows(b, mine, theirs, catalog);
    expect(r.conflicts.map((c) => [c.id, c.path, c.message])).toEqual([
      [
        'node:step3_apply_materials/settings.by_part["*bolt*"]',
        ['nodes', 'step3_apply_materials', 'settings', 'by_part', '*bolt*'],
        'apply_materials "step3_apply_materials" setting by_part["*bolt*"]: mine "black_oxide", theirs "rubber_black", base "chrome"',
      ],
    ]);
    // The other keys of the group merged one by one.
    expect(node(r.merged, 'step3_apply_materials').settings.by_part).toEqual({ '*bolt*': 'black_oxide', housing: 'brushed_steel', 'lens?': 'chrome' });
  });

  it('a setting removed on one side and changed on the other is a conflict (absent is shown as not set)', () => {
    const mine = edit(base, (d) => (node(d, RENDER).settings = {}));
    const theirs = edit(base, (d) => setting(d, RENDER, 'renderer', 'samples', 128));
    const r = mergeWorkflows(base, mine, theirs, catalog);
    expect(r.conflicts.map((c) => [c.id, c.message])).toEqual([[`node:${RENDER}/settings.renderer`, "render_still 'Still' setting renderer: mine not set, theirs {\"samples\":128}, base {\"samples\":32}"]]);
    expect(r.conflicts[0]).not.toHaveProperty('mine');
  });

  it('a node deleted on one side and edited on the other: one delete-edit conflict; either choice validates', () => {
    const mine = edit(base, (d) => {
      removeNode(d, NOTIFY);
    });
    const theirs = edit(base, (d) => (node(d, NOTIFY).settings.on_success = false));
    const r = mergeWorkflows(base, mine, theirs, catalog);
    expect(r.conflicts).toMatchObject([{ id: `node:${NOTIFY}`, kind: 'delete-edit', nodeId: NOTIFY, message: 'notify "step6_notify": deleted on mine, changed on theirs (settings)' }]);
    expect(r.conflicts[0]?.theirs).toMatchObject({ settings: { on_success: false } });
    // Left at mine: the node and its edge are gone, and nothing dangles.
    expect(r.merged.nodes.map((n) => n.id)).not.toContain(NOTIFY);
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);

    const keepMine = resolveConflicts(r, { [`node:${NOTIFY}`]: 'mine' }, catalog);
    expect(keepMine.valid).toBe(true);
    expect(keepMine.merged.nodes.map((n) => n.id)).not.toContain(NOTIFY);
    const keepTheirs = resolveConflicts(r, { [`node:${NOTIFY}`]: 'theirs' }, catalog);
    expect(keepTheirs.valid).toBe(true);
    expect(node(keepTheirs.merged, NOTIFY).settings).toEqual({ on_success: false });
    expect(keepTheirs.merged.edges.map((e) => e.id)).toContain('step5_save_output.asset-step6_notify.asset');
  });

  it('an edge to a node the other side deleted is a dangling-edge conflict; neither choice leaves it dangling', () => {
    const b = edit(base, (d) => {
      addNode(d, 'postprocess_1', 'postprocess');
      connect(d, RENDER, 'image', 'postprocess_1', 'image');
    });
    const mine = edit(b, (d) => {
      removeNode(d, 'postprocess_1');
    });
    const theirs = edit(b, (d) => {
      addNode(d, 'output_save_1', 'output_save');
      connect(d, 'postprocess_1', 'thumbnail', 'output_save_1', 'artifact');
    });
    const r = mergeWorkflows(b, mine, theirs, catalog);
    // Left at mine, the edge goes, so theirs' new output_save_1 lacks its input: a follow-up conflict.
    expect(ids(r)).toEqual(['edge:postprocess_1.thumbnail-output_save_1.artifact/dangling', 'invalid:required_input_missing:node:output_save_1']);
    expect(r.conflicts[0]).toMatchObject({
      kind: 'dangling-edge',
      items: ['edge:postprocess_1.thumbnail-output_save_1.artifact', 'edge:step4_render_still.image-postprocess_1.image', 'node:postprocess_1'],
      message: 'edge "postprocess_1.thumbnail-output_save_1.artifact" (postprocess_1.thumbnail → output_save_1.artifact) (theirs) connects node "postprocess_1", which mine deleted: keep the edge and the node, or neither',
    });
    expect(r.merged.edges.map((e) => e.id)).not.toContain('postprocess_1.thumbnail-output_save_1.artifact');

    const theirsWay = resolveConflicts(r, { 'edge:postprocess_1.thumbnail-output_save_1.artifact/dangling': 'theirs' }, catalog);
    expect(theirsWay.conflicts).toEqual([]);
    expect(theirsWay.valid).toBe(true);
    expect(theirsWay.merged.nodes.map((n) => n.id)).toContain('postprocess_1');
  });

  it('an edge to a node the other side deleted may bring up a follow-up conflict once mine is chosen', () => {
    const b = edit(base, (d) => {
      addNode(d, 'postprocess_1', 'postprocess');
      connect(d, RENDER, 'image', 'postprocess_1', 'image');
    });
    const mine = edit(b, (d) => {
      removeNode(d, 'postprocess_1');
    });
    const theirs = edit(b, (d) => {
      addNode(d, 'output_save_1', 'output_save');
      connect(d, 'postprocess_1', 'thumbnail', 'output_save_1', 'artifact');
    });
    const r = mergeWorkflows(b, mine, theirs, catalog);
    // Keeping the deletion leaves theirs' output_save_1 without its required input: that stays open.
    const mineWay = resolveConflicts(r, { 'edge:postprocess_1.thumbnail-output_save_1.artifact/dangling': 'mine' }, catalog);
    expect(ids(mineWay)).toEqual(['invalid:required_input_missing:node:output_save_1']);
    expect(mineWay.valid).toBe(false);
    const done = resolveConflicts(mineWay, { 'invalid:required_input_missing:node:output_save_1': 'mine' }, catalog);
    expect(done.conflicts).toEqual([]);
    expect(done.valid).toBe(true);
    expect(done.merged.nodes.map((n) => n.id)).not.toContain('output_save_1');
  });

  it('two edges into one input: an input-taken conflict', () => {
    const b = edit(base, (d) => {
      addNode(d, 'postprocess_1', 'postprocess');
      connect(d, RENDER, 'image', 'postprocess_1', 'image');
      addNode(d, 'output_save_1', 'output_save');
      connect(d, RENDER, 'image', 'output_save_1', 'artifact');
    });
    const rewire = (port: string) => (d: WorkflowDocument) => {
      disconnect(d, 'step4_render_still.image-output_save_1.artifact');
      connect(d, 'postprocess_1', port, 'output_save_1', 'artifact');
    };
    const r = mergeWorkflows(b, edit(b, rewire('image')), edit(b, rewire('thumbnail')), catalog);
    expect(r.conflicts).toMatchObject([
      {
        id: 'input:output_save_1/artifact',
        kind: 'input-taken',
        base: ['step4_render_still.image-output_save_1.artifact'],
        mine: ['postprocess_1.image-output_save_1.artifact'],
        theirs: ['postprocess_1.thumbnail-output_save_1.artifact'],
      },
    ]);
    const t = resolveConflicts(r, { 'input:output_save_1/artifact': 'theirs' }, catalog);
    expect(t.valid).toBe(true);
    expect(t.merged.edges.filter((e) => e.target === 'output_save_1').map((e) => e.id)).toEqual(['postprocess_1.thumbnail-output_save_1.artifact']);
  });

  it('edges from both sides that close a loop: a cycle conflict naming the nodes', () => {
    const b = edit(base, (d) => {
      for (const id of ['postprocess_1', 'postprocess_2']) {
        addNode(d, id, 'postprocess');
        connect(d, RENDER, 'image', id, 'image');
      }
    });
    const chain = (from: string, to: string) => (d: WorkflowDocument) => {
      disconnect(d, `step4_render_still.image-${to}.image`);
      connect(d, from, 'image', to, 'image');
    };
    const r = mergeWorkflows(b, edit(b, chain('postprocess_1', 'postprocess_2')), edit(b, chain('postprocess_2', 'postprocess_1')), catalog);
    expect(r.conflicts).toMatchObject([{ id: 'cycle:postprocess_1,postprocess_2', kind: 'cycle' }]);
    expect(r.conflicts[0]?.message).toMatch(/would form a loop/);
    const t = resolveConflicts(r, { 'cycle:postprocess_1,postprocess_2': 'theirs' }, catalog);
    expect(t.conflicts).toEqual([]);
    expect(t.valid).toBe(true);
  });

  it('settings that are each valid but break a rule together: an invalid conflict on the node', () => {
    const b = edit(base, (d) => (node(d, NOTIFY).settings = { channels: ['desktop'], webhook_url: 'https://example.com/a' }));
    const mine = edit(b, (d) => delete node(d, NOTIFY).settings.webhook_url);
    const theirs = edit(b, (d) => (node(d, NOTIFY).settings.channels = ['webhook']));
    const r = mergeWorkflows(b, mine, theirs, catalog);
    expect(r.conflicts).toMatchObject([{ id: `invalid:missing_setting:node:${NOTIFY}`, kind: 'invalid', items: [`node:${NOTIFY}`] }]);
    expect(r.conflicts[0]?.message).toMatch(/neither side broke.*webhook_url/);
    expect(resolveConflicts(r, { [`invalid:missing_setting:node:${NOTIFY}`]: 'theirs' }, catalog).valid).toBe(true);
  });

  it('a node added under one id on both sides, differently: one add-add conflict', () => {
    const add = (trim: boolean) => (d: WorkflowDocument) => {
      addNode(d, 'postprocess_1', 'postprocess', { trim });
      connect(d, RENDER, 'image', 'postprocess_1', 'image');
    };
    const r = mergeWorkflows(base, edit(base, add(true)), edit(base, add(false)), catalog);
    expect(r.conflicts).toMatchObject([{ id: 'node:postprocess_1', kind: 'add-add', message: 'postprocess "postprocess_1": added on both sides, differently (settings)' }]);
    expect(r.conflicts[0]).not.toHaveProperty('base');
  });

  it('workflow fields, metadata, parameters, positions and edges conflict each under its own id', () => {
    const mine = edit(base, (d) => {
      d.name = 'Mine';
      d.metadata.notes = 'm';
      d.parameters![0]!.default = 'eevee';
      node(d, RENDER).position = { x: 1, y: 1 };
    });
    const theirs = edit(base, (d) => {
      d.name = 'Theirs';
      d.metadata.notes = 't';
      d.parameters![0]!.default = 'workbench';
      node(d, RENDER).position = { x: 2, y: 2 };
    });
    const r = mergeWorkflows(base, mine, theirs, catalog);
    expect(ids(r).sort()).toEqual(['metadata/notes', `node:${RENDER}/position`, 'param:renderer.engine/default', 'workflow/name']);
    expect(r.conflicts.find((c) => c.id === 'workflow/name')?.message).toBe('workflow name: mine "Mine", theirs "Theirs", base "Still render (default)"');
    const all = resolveConflicts(r, Object.fromEntries(ids(r).map((id) => [id, 'theirs'])), catalog);
    expect(all.valid).toBe(true);
    expect(all.merged).toEqual({ ...theirs, revision: base.revision });
  });
});

describe('mergeWorkflows: input and choice errors', () => {
  const base = stillBase();

  it('names the side and the path of a document that is not a workflow', () => {
    const bad = { ...base, nodes: 'none' };
    expect(() => mergeWorkflows(base, bad, base, catalog)).toThrow(MergeInputError);
    try {
      mergeWorkflows(base, base, bad, catalog);
    } catch (error) {
      expect(error).toMatchObject({ side: 'theirs', path: 'nodes' });
      expect((error as Error).message).toMatch(/^theirs: nodes: /);
    }
  });

  it('refuses a choice for no open conflict, or a side other than mine or theirs', () => {
    const r = mergeWorkflows(base, edit(base, (d) => (d.name = 'A')), edit(base, (d) => (d.name = 'B')), catalog);
    expect(() => resolveConflicts(r, { 'workflow/nope': 'mine' }, catalog)).toThrow(/no open conflict "workflow\/nope"; open: "workflow\/name"/);
    expect(() => resolveConflicts(r, { 'workflow/name': 'both' as never }, catalog)).toThrow(MergeChoiceError);
  });
});

describe('mergeOrder', () => {
  const keep = (...ids: string[]) => new Set(ids);
  it('keeps the one side that changed the order, and is the same whichever side is mine', () => {
    expect(mergeOrder(['a', 'b'], ['a', 'b'], ['b', 'a', 'c'], keep('a', 'b', 'c'))).toEqual(['b', 'a', 'c']);
    expect(mergeOrder(['a', 'b'], ['b', 'a', 'c'], ['a', 'b'], keep('a', 'b', 'c'))).toEqual(['b', 'a', 'c']);
    expect(mergeOrder(['a', 'b'], ['a', 'b', 'z'], ['a', 'b', 'c'], keep('a', 'b', 'c', 'z'))).toEqual(['a', 'b', 'c', 'z']);
    expect(mergeOrder(['a', 'b'], ['a', 'b', 'c'], ['a', 'b', 'z'], keep('a', 'b', 'c', 'z'))).toEqual(['a', 'b', 'c', 'z']);
  });
});
