import { memo, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, Anchor, Badge, Button, Group, Kbd, Menu, NativeSelect, Table, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useStore } from 'zustand';
import { ContractError } from '../../../shared/contract';
import type { NodeDefinition } from '../../../shared/nodes/definition';
import { NODE_SPECS } from '../../../main/nodes/specs';
import { catalogFromDefinitions } from '../../../shared/workflow/catalog';
import type { ExecutionMode, WorkflowDocument } from '../../../shared/workflow/document';
import type { Problem } from '../../../shared/workflow/problems';
import { useClient, useConnection } from '../../app/services';
import { errorText, refusedProblems } from '../../transport/errors';
import { autoLayout } from './auto-layout';
import { Canvas, FIT_VIEW, type NodeMarks, type PlanBadge } from './Canvas';
import { downloadJson, settingsPathOf } from './doc-utils';
import { createEditorModel, isDirty, type EditorModel } from './editor-store';
import { Inspector } from './Inspector';
import { Modal } from '../../ui/Modal';
import { LeaveDialog, useUnsavedChangesGuard } from '../../ui/unsaved-guard';
import { useNodeDefs } from './node-defs';
import { Palette } from './Palette';
import { PARAMETERS_HEADING_ID, parameterFieldId } from './ParametersPanel';
import { RunPanel, type WorkflowPlan } from './RunPanel';
import { useValidation } from './use-validation';
import { usePanels } from './panels';
import { placeNode, type Box } from './placement';
import { SeverityBadge } from './Inspector';

const MODES: { value: ExecutionMode; text: string }[] = [
  { value: 'legacy', text: 'legacy: the preset pipeline renders (default)' },
  { value: 'graph', text: 'graph: this workflow renders, legacy on failure' },
  { value: 'shadow', text: 'shadow: legacy renders, this workflow observes' },
];

export const SHORTCUTS: { keys: string; what: string }[] = [
  { keys: '/ or Ctrl+K', what: 'Search the node palette' },
  { keys: 'Enter (in the palette)', what: 'Add the node type where there is room: right of the selection, else in the visible canvas' },
  { keys: 'Tab, then Enter', what: 'Focus a node on the canvas, then select it' },
  { keys: 'Arrow keys', what: 'Move the selected nodes' },
  { keys: 'Shift+click or Ctrl+click', what: 'Add to the selection' },
  { keys: 'Shift+drag', what: 'Select with a rectangle' },
  { keys: 'Ctrl+A', what: 'Select every node' },
  { keys: 'Escape', what: 'Clear the selection' },
  { keys: 'Delete or Backspace', what: 'Delete the selection' },
  { keys: 'Ctrl+C / Ctrl+V', what: 'Copy / paste the selected nodes' },
  { keys: 'Ctrl+Z', what: 'Undo (a whole drag is one step)' },
  { keys: 'Ctrl+Shift+Z or Ctrl+Y', what: 'Redo' },
  { keys: 'Ctrl+S', what: 'Save a new revision' },
  { keys: 'L', what: 'Auto-layout' },
  { keys: 'F', what: 'Fit the graph in view' },
  { keys: '?', what: 'Show these shortcuts' },
];

/** The workflow editor: /workflows/:id. */
export function WorkflowEditorPage() {
  const { id = '' } = useParams();
  return (
    <ReactFlowProvider key={id}>
      <EditorLoader id={id} />
    </ReactFlowProvider>
  );
}

function EditorLoader({ id }: { id: string }) {
  const client = useClient();
  const epoch = useConnection((s) => s.epoch);
  const defs = useNodeDefs();
  const [model, setModel] = useState<EditorModel | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (epoch === 0 || model) return;
    let live = true;
    client.call('workflows.get', { id }).then(
      (doc) => live && setModel(createEditorModel(doc)),
      (e: unknown) => live && setError(`The workflow "${id}" could not be opened: ${errorText(e)}`),
    );
    return () => {
      live = false;
    };
  }, [client, id, epoch, model]);

  if (error || defs.error) {
    return (
      <>
        <Title order={1} tabIndex={-1}>
          Workflow
        </Title>
        <Alert color="red" p="xs" my="sm">
          {error ?? defs.error}
        </Alert>
        <Anchor component={Link} to="/workflows">
          Back to the workflows
        </Anchor>
      </>
    );
  }
  if (!model || !defs.loaded) {
    return (
      <>
        <Title order={1} tabIndex={-1}>
          Workflow
        </Title>
        <Text role="status">Opening the workflow…</Text>
      </>
    );
  }
  return <Editor model={model} defs={defs.defs} byType={defs.byType} />;
}

/** A node not yet measured (one just added): the drawn node is 210 px wide, about this tall with a few ports. */
const NEW_NODE_SIZE = { width: 210, height: 120 };

const isTyping = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT');

function Editor({ model, defs, byType }: { model: EditorModel; defs: NodeDefinition[]; byType: Map<string, NodeDefinition> }) {
  const client = useClient();
  const flow = useReactFlow();
  const doc = useStore(model.store, (s) => s.doc);
  const dirty = useStore(model.store, isDirty);
  const canUndo = useStore(model.store, (s) => s.past.length > 0);
  const canRedo = useStore(model.store, (s) => s.future.length > 0);
  const notice = useStore(model.store, (s) => s.notice);
  const catalog = useMemo(() => catalogFromDefinitions(defs, NODE_SPECS), [defs]);
  const validation = useValidation(client, model, catalog);
  const [saving, setSaving] = useState(false);
  const [saveStatus, setSaveStatus] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<{ message: string; problems: Problem[] } | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const [plan, setPlan] = useState<{ result: WorkflowPlan; doc: WorkflowDocument } | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  const blocker = useUnsavedChangesGuard(dirty, client.transport === 'http');
  const panels = usePanels();
  const { openPanel } = panels;
  const paletteId = useId();
  const sideId = useId();
  // A selection shows its settings: the side panel opens for it unless the user closed it.
  const hasSelection = useStore(model.store, (s) => s.selectedNodes.length > 0 || s.selectedEdges.length > 0);
  useEffect(() => {
    if (hasSelection) openPanel('side', false);
  }, [hasSelection, openPanel]);

  // The run panel and the toolbar are drawn again when what they show changes, not on every settings edit.
  const facts = useMemo(() => ({ id: doc.id, revision: doc.revision, family: doc.family }), [doc.id, doc.revision, doc.family]);
  const currentDoc = useCallback(() => model.store.getState().doc, [model]);
  const problems = validation.problems;
  const errorCount = problems.filter((p) => p.severity === 'error').length;
  const marksByNode = useMemo(() => {
    const m = new Map<string, NodeMarks>();
    for (const p of problems) {
      if (!p.nodeId || p.severity === 'info') continue;
      const mark = m.get(p.nodeId) ?? { errors: 0, warnings: 0 };
      if (p.severity === 'error') mark.errors += 1;
      else mark.warnings += 1;
      mark.firstProblem ??= p.message;
      m.set(p.nodeId, mark);
    }
    return m;
  }, [problems]);
  const edgesWithProblems = useMemo(() => new Set(problems.filter((p) => p.edgeId && p.severity === 'error').map((p) => p.edgeId as string)), [problems]);
  const planBadges = useMemo(() => {
    if (!plan || plan.doc !== doc) return null;
    return new Map<string, PlanBadge>(plan.result.nodes.map((n, i) => [n.nodeId, { order: i + 1, willReuse: n.willReuse, renders: n.renders, problem: n.problem }]));
  }, [plan, doc]);

  // A node added from the palette goes where there is room: right of the selection, else in the
  // visible canvas's free space; never on top of another node.
  const addWhereThereIsRoom = useCallback(
    (def: NodeDefinition) => {
      const s = model.store.getState();
      const rect = canvasRef.current?.getBoundingClientRect();
      const topLeft = rect ? flow.screenToFlowPosition({ x: rect.left, y: rect.top }) : { x: 0, y: 0 };
      const bottomRight = rect ? flow.screenToFlowPosition({ x: rect.right, y: rect.bottom }) : { x: 800, y: 600 };
      const view: Box = { x: topLeft.x, y: topLeft.y, width: bottomRight.x - topLeft.x, height: bottomRight.y - topLeft.y };
      const boxOf = (n: { id: string; position: { x: number; y: number } }): Box => ({ ...n.position, ...(s.measured[n.id] ?? NEW_NODE_SIZE) });
      const selected = new Set(s.selectedNodes);
      const at = placeNode(s.doc.nodes.map(boxOf), NEW_NODE_SIZE, view, s.doc.nodes.filter((n) => selected.has(n.id)).map(boxOf));
      const id = model.addNode(def, at);
      model.notify('info', `Added ${def.title} as ${id}.`);
      // Off screen only when the visible canvas had no room: bring it into view.
      const seen = at.x >= view.x && at.y >= view.y && at.x + NEW_NODE_SIZE.width <= view.x + view.width && at.y + NEW_NODE_SIZE.height <= view.y + view.height;
      if (!seen) void flow.setCenter(at.x + NEW_NODE_SIZE.width / 2, at.y + NEW_NODE_SIZE.height / 2, { zoom: flow.getZoom(), duration: 200 });
    },
    [flow, model],
  );

  const save = useCallback(async () => {
    const sent = model.store.getState().doc;
    setSaving(true);
    setSaveStatus(null);
    setSaveError(null);
    try {
      const r = await client.call('workflows.save', { document: sent });
      model.markSaved(r.document, sent);
      const warnings = r.problems.filter((p) => p.severity !== 'info').length;
      setSaveStatus(`Saved revision ${r.document.revision}${warnings ? ` with ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}` : ''}.`);
      setConflict(null);
    } catch (e) {
      if (e instanceof ContractError && e.code === 'revision_conflict') {
        setConflict(e.message);
      } else {
        // The refusal carries every problem the save found; the errors are what refused it.
        setSaveError({ message: `Not saved: ${errorText(e)}`, problems: refusedProblems(e) });
      }
    } finally {
      setSaving(false);
    }
  }, [client, model]);

  const reloadSaved = async () => {
    try {
      const fresh = await client.call('workflows.get', { id: doc.id });
      model.reset(fresh);
      setConflict(null);
      setSaveStatus(`Reloaded revision ${fresh.revision}.`);
    } catch (e) {
      setSaveError({ message: `Could not reload: ${errorText(e)}`, problems: [] });
    }
  };

  const overwrite = async () => {
    try {
      const fresh = await client.call('workflows.get', { id: doc.id });
      model.edit((d) => ({ ...d, revision: fresh.revision }));
      setConflict(null);
      await save();
    } catch (e) {
      setSaveError({ message: `Could not save over it: ${errorText(e)}`, problems: [] });
    }
  };

  const layout = useCallback(() => {
    const s = model.store.getState();
    // The layout's direction follows the canvas: left to right on a wide one, top down on a tall one.
    const rect = canvasRef.current?.getBoundingClientRect();
    model.layout(autoLayout(s.doc, s.measured, rect && rect.height > rect.width * 1.1 ? 'TB' : 'LR'));
    requestAnimationFrame(() => void flow.fitView({ ...FIT_VIEW, duration: 200 }));
  }, [model, flow]);

  const fit = useCallback(() => void flow.fitView({ ...FIT_VIEW, duration: 200 }), [flow]);

  const focusSearch = useCallback(() => {
    const select = () => {
      searchRef.current?.focus();
      searchRef.current?.select();
    };
    // At once when the palette is open (keys typed right after go into the search), else after it is drawn.
    if (searchRef.current) {
      select();
      return;
    }
    openPanel('palette', true);
    requestAnimationFrame(select);
  }, [openPanel]);

  const showParameters = useCallback((focusId: string = PARAMETERS_HEADING_ID) => {
    openPanel('side', true);
    model.select([], []);
    // After the side panel shows the parameters.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        const el = document.getElementById(focusId);
        // A parameter's field may sit in a folded group: open it first.
        const group = el?.closest('details');
        if (group) group.open = true;
        el?.focus();
      }),
    );
  }, [model, openPanel]);

  const focusProblem = useCallback((p: Problem) => {
    const parameterField = parameterFieldId(p.path);
    if (parameterField) {
      showParameters(parameterField);
      return;
    }
    if (p.edgeId) {
      const edge = model.store.getState().doc.edges.find((e) => e.id === p.edgeId);
      model.select([], [p.edgeId]);
      if (edge) void flow.fitView({ nodes: [{ id: edge.source }, { id: edge.target }], duration: 200, maxZoom: 1, padding: 0.4 });
      requestAnimationFrame(() => document.querySelector<HTMLElement>(`.react-flow__edge[data-id="${CSS.escape(p.edgeId as string)}"]`)?.focus());
      return;
    }
    if (!p.nodeId) return;
    const nodeId = p.nodeId;
    model.select([nodeId], []);
    void flow.fitView({ nodes: [{ id: nodeId }], duration: 200, maxZoom: 1, padding: 0.6 });
    const at = settingsPathOf(p.path);
    // After the inspector shows the node: focus the setting the problem is about, else the node.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        const base = `wf-set-${nodeId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
        const segs = at?.setting.map(String) ?? [];
        for (let n = segs.length; n > 0; n -= 1) {
          const el = document.getElementById(`${base}-${segs.slice(0, n).join('.').replace(/[^A-Za-z0-9_-]/g, '_')}`);
          if (el) {
            el.focus();
            return;
          }
        }
        document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(nodeId)}"]`)?.focus();
      }),
    );
  }, [model, flow, showParameters]);

  // Keyboard shortcuts of the editor (listed in the help overlay).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // A modal (help, leave, a menu) takes the keys.
      if (document.querySelector('dialog[open], [role="dialog"][aria-modal="true"], [role="menu"]')) return;
      const mod = e.ctrlKey || e.metaKey;
      const typing = isTyping(e.target);
      const key = e.key.toLowerCase();
      if (mod && key === 's') {
        e.preventDefault();
        void save();
        return;
      }
      if (mod && key === 'k') {
        e.preventDefault();
        focusSearch();
        return;
      }
      if (typing) return;
      if (e.key === '/') {
        e.preventDefault();
        focusSearch();
      } else if (e.key === '?') {
        e.preventDefault();
        setHelpOpen(true);
      } else if (mod && key === 'z') {
        e.preventDefault();
        if (e.shiftKey) model.redo();
        else model.undo();
      } else if (mod && key === 'y') {
        e.preventDefault();
        model.redo();
      } else if (mod && key === 'c') {
        const n = model.copySelection();
        if (n) model.notify('info', `Copied ${n} ${n === 1 ? 'node' : 'nodes'}.`);
      } else if (mod && key === 'v') {
        const n = model.paste();
        if (n) model.notify('info', `Pasted ${n} ${n === 1 ? 'node' : 'nodes'}.`);
      } else if (mod && key === 'a') {
        e.preventDefault();
        model.select(model.store.getState().doc.nodes.map((n) => n.id), []);
      } else if (e.key === 'Delete' || e.key === 'Backspace') {
        const n = model.deleteSelection();
        if (n) {
          e.preventDefault();
          model.notify('info', `Deleted ${n} ${n === 1 ? 'item' : 'items'}.`);
        }
      } else if (e.key === 'Escape') {
        model.select([], []);
      } else if (!mod && !e.altKey && key === 'l') {
        layout();
      } else if (!mod && !e.altKey && key === 'f') {
        fit();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [model, save, layout, fit, focusSearch]);

  const openHelp = useCallback(() => setHelpOpen(true), []);

  return (
    <div className="wf-editor">
      {/* Header and canvas fill the window; problems and the run panel follow below. */}
      <div className="wf-screen">
        <header className="wf-editor-head">
          <EditorHeader
            name={doc.name}
            id={doc.id}
            family={doc.family}
            revision={doc.revision}
            executionMode={doc.executionMode}
            dirty={dirty}
            canUndo={canUndo}
            canRedo={canRedo}
            saving={saving}
            palette={panels.palette}
            side={panels.side}
            minimap={panels.minimap}
            toggle={panels.toggle}
            paletteId={paletteId}
            sideId={sideId}
            model={model}
            onSave={save}
            onLayout={layout}
            onFit={fit}
            onParameters={showParameters}
            onHelp={openHelp}
          />
          {saveStatus && (
            <Text role="status" size="sm" c="var(--ok)">
              {saveStatus}
            </Text>
          )}
          {saveError && (
            <Alert color="red" p="xs">
              <Text size="sm">{saveError.message}</Text>
              {saveError.problems.length > 0 && (
                <ul className="wf-reasons">
                  {saveError.problems.map((p, i) => (
                    <li key={i}>
                      <code>{p.path}</code>: {p.message}
                    </li>
                  ))}
                </ul>
              )}
            </Alert>
          )}
          {conflict && (
            <Alert color="red" p="xs">
              <Text size="sm">Not saved: {conflict}</Text>
              <Group gap="xs" mt={4}>
                <Button variant="default" onClick={() => void reloadSaved()}>
                  Reload the saved version (discard my changes)
                </Button>
                <Button color="red" onClick={() => void overwrite()}>
                  Save mine over it
                </Button>
              </Group>
            </Alert>
          )}
        </header>

        <div className={`wf-body${panels.palette ? ' wf-with-palette' : ''}${panels.side ? ' wf-with-side' : ''}`}>
          {panels.palette && (
            <div id={paletteId} className="wf-panel">
              <Palette ref={searchRef} defs={defs} family={doc.family} onAdd={addWhereThereIsRoom} />
            </div>
          )}
          <section className="wf-canvas-area" aria-label="Canvas">
            <div ref={canvasRef} className="wf-canvas-wrap">
              <Canvas model={model} byType={byType} marksByNode={marksByNode} edgesWithProblems={edgesWithProblems} plan={planBadges} minimap={panels.minimap} />
            </div>
            {/* Under the canvas, never over it: what the last action did, else how to connect. */}
            <div className="wf-canvas-foot">
              <div role="alert" className={notice?.kind === 'refused' ? 'wf-notice wf-notice-refused' : 'visually-hidden'}>
                {notice?.kind === 'refused' ? notice.text : ''}
              </div>
              <div role="status" className={notice?.kind === 'info' ? 'wf-notice' : 'visually-hidden'}>
                {notice?.kind === 'info' ? notice.text : ''}
              </div>
              {!notice && (
                <Text size="xs" c="dimmed">
                  Drag from an output (right) to an input (left) to connect; ports are coloured by type. Press ? for shortcuts.
                </Text>
              )}
            </div>
          </section>
          {panels.side && (
            <section id={sideId} className="wf-panel" aria-label="Side panel">
              <Inspector model={model} byType={byType} problems={problems} />
            </section>
          )}
        </div>
      </div>

      <div className="wf-bottom">
        <ProblemsPanel problems={problems} checking={!validation.current} error={validation.error} onFocus={focusProblem} />
        <RunPanel doc={facts} current={currentDoc} planCurrent={plan?.doc === doc} dirty={dirty} valid={validation.current ? validation.valid : null} errorCount={errorCount} plan={plan} onPlan={setPlan} />
      </div>

      <Modal open={helpOpen} onClose={() => setHelpOpen(false)} title="Keyboard shortcuts" size="md">
        <Table aria-label="Keyboard shortcuts" highlightOnHover={false}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Keys</Table.Th>
              <Table.Th>What they do</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {SHORTCUTS.map((s) => (
              <Table.Tr key={s.keys}>
                <Table.Th scope="row" fw={400}>
                  <Kbd size="xs">{s.keys}</Kbd>
                </Table.Th>
                <Table.Td>{s.what}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group justify="flex-end" mt="sm">
          <Button data-autofocus onClick={() => setHelpOpen(false)}>
            Close
          </Button>
        </Group>
      </Modal>
      <LeaveDialog blocker={blocker} text="This workflow has changes that are not saved. If you leave now, they are lost." stayLabel="Stay in the editor" />
    </div>
  );
}

interface EditorHeaderProps {
  name: string;
  id: string;
  family: WorkflowDocument['family'];
  revision: number;
  executionMode: ExecutionMode;
  dirty: boolean;
  canUndo: boolean;
  canRedo: boolean;
  saving: boolean;
  palette: boolean;
  side: boolean;
  minimap: boolean;
  toggle: (panel: 'palette' | 'side' | 'minimap') => void;
  paletteId: string;
  sideId: string;
  model: EditorModel;
  onSave: () => Promise<void>;
  onLayout: () => void;
  onFit: () => void;
  onParameters: () => void;
  onHelp: () => void;
}

const pressed = (open: boolean) => (open ? 'light' : 'default');

/** Title, facts and the toolbar: drawn again when what they show changes, not on every settings edit. */
const EditorHeader = memo(function EditorHeader(props: EditorHeaderProps) {
  const { name, id, family, revision, executionMode, dirty, canUndo, canRedo, saving, palette, side, minimap, toggle, paletteId, sideId, model, onSave, onLayout, onFit, onParameters, onHelp } = props;
  const nameId = useId();
  const modeId = useId();
  return (
    <>
      <Group gap="sm" align="baseline" wrap="wrap">
        <Title order={1} tabIndex={-1} fz={17}>
          Workflow: {name}
        </Title>
        <Text size="xs" component="div">
          <Badge variant="default" size="md">
            {family}
          </Badge>{' '}
          <Text span c="dimmed" size="xs">
            id
          </Text>{' '}
          <code>{id}</code> ·{' '}
          <Text span c="dimmed" size="xs">
            revision
          </Text>{' '}
          {revision}
          {' · '}
          <Text span role="status" size="xs" fw={dirty ? 600 : 400} c={dirty ? 'var(--warn)' : 'dimmed'}>
            {dirty ? 'Unsaved changes' : 'All changes saved'}
          </Text>
        </Text>
      </Group>
      <div className="wf-toolbar" role="toolbar" aria-label="Editor">
        <Button variant={pressed(palette)} aria-expanded={palette} aria-controls={paletteId} onClick={() => toggle('palette')}>
          Node palette
        </Button>
        <Button variant={pressed(side)} aria-expanded={side} aria-controls={sideId} onClick={() => toggle('side')}>
          Side panel
        </Button>
        <Button variant={pressed(minimap)} aria-pressed={minimap} onClick={() => toggle('minimap')}>
          Minimap
        </Button>
        <Group gap={4} wrap="nowrap">
          <Text component="label" htmlFor={nameId} size="sm" fw={500}>
            Name
          </Text>
          <TextInput id={nameId} value={name} maxLength={200} w={170} onChange={(e) => model.setName(e.currentTarget.value)} />
        </Group>
        <Group gap={4} wrap="nowrap">
          <Text component="label" htmlFor={modeId} size="sm" fw={500}>
            Execution mode
          </Text>
          <NativeSelect id={modeId} value={executionMode} w={290} onChange={(e) => model.setMode(e.currentTarget.value as ExecutionMode)}>
            {MODES.map((m) => (
              <option key={m.value} value={m.value}>
                {m.text}
              </option>
            ))}
          </NativeSelect>
        </Group>
        <Button onClick={() => void onSave()} loading={saving} aria-keyshortcuts="Control+S">
          Save
        </Button>
        <Button variant="default" onClick={() => model.undo()} disabled={!canUndo} aria-keyshortcuts="Control+Z">
          Undo
        </Button>
        <Button variant="default" onClick={() => model.redo()} disabled={!canRedo} aria-keyshortcuts="Control+Shift+Z">
          Redo
        </Button>
        <Button variant="default" onClick={onLayout} aria-keyshortcuts="L">
          Auto-layout
        </Button>
        <Button variant="default" onClick={onFit} aria-keyshortcuts="F">
          Fit view
        </Button>
        <Button variant="default" onClick={() => onParameters()}>
          Parameters
        </Button>
        <Menu position="bottom-end">
          <Menu.Target>
            <Button variant="subtle">More…</Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item onClick={() => downloadJson(`${id}.workflow.json`, model.store.getState().doc)}>Export JSON</Menu.Item>
            <Menu.Item onClick={onHelp} aria-keyshortcuts="?">
              Keyboard shortcuts
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
        <Anchor component={Link} to="/workflows" size="sm">
          All workflows
        </Anchor>
      </div>
    </>
  );
});

const ProblemsPanel = memo(function ProblemsPanel({ problems, checking, error, onFocus }: { problems: Problem[]; checking: boolean; error: string | null; onFocus: (p: Problem) => void }) {
  const headingId = useId();
  const shown = problems.filter((p) => p.severity !== 'info');
  const errors = shown.filter((p) => p.severity === 'error').length;
  return (
    <section className="wf-panel" aria-labelledby={headingId}>
      <Title order={2} id={headingId} mb={4}>
        Problems
      </Title>
      <Text role="status" size="sm" c="dimmed">
        {checking ? 'Checking…' : shown.length === 0 ? 'No problems: the graph can be dispatched.' : `${errors} ${errors === 1 ? 'error' : 'errors'}, ${shown.length - errors} ${shown.length - errors === 1 ? 'warning' : 'warnings'}.`}
      </Text>
      {error && (
        <Alert color="red" p="xs" mt={4}>
          {error}
        </Alert>
      )}
      {shown.length > 0 && (
        <ul className="plain-list wf-problem-list" aria-label="Problems of the workflow">
          {shown.map((p, i) => (
            <li key={`${p.code}-${p.path}-${i}`}>
              <UnstyledButton className="wf-problem" onClick={() => onFocus(p)} disabled={!p.nodeId && !p.edgeId && !parameterFieldId(p.path)}>
                <SeverityBadge severity={p.severity} /> {p.message}
              </UnstyledButton>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
});
