import { memo, useEffect, useId, useState } from 'react';
import { Link } from 'react-router';
import { Alert, Anchor, Button, Fieldset, Group, List, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import type { z } from 'zod';
import type { CadFile } from '../../../shared/cad/api';
import type { OrderLine, OutputTypeSummary } from '../../../shared/orders/api';
import type { WorkflowPlanSchema } from '../../../shared/runs/api';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { TryInShadow } from './TryInShadow';
import { SeverityBadge } from './Inspector';

/** How many order lines or CAD files the target choice offers (the newest). */
const CHOICES = 200;

export type WorkflowPlan = z.infer<typeof WorkflowPlanSchema>;
type PlanNode = WorkflowPlan['nodes'][number];

/** The dry-run table in words: whether a node runs or reuses what an earlier run made (explained under the table). */
export function reuseWords(n: PlanNode): string {
  if (n.willReuse) return 'reused';
  if (n.willReuse === false) return 'runs';
  if (n.cacheable) return 'unknown yet';
  return 'always runs';
}

export function rendersWords(renders: number): string {
  if (renders === 0) return 'none';
  return `${renders} ${renders === 1 ? 'render' : 'renders'} on the farm`;
}

export function notesWords(n: PlanNode): string[] {
  const out: string[] = [];
  if (n.disabled) out.push('Disabled: it does not run.');
  if (n.type === 'output_save') out.push('Would publish to the media library.');
  else if (n.selfPublish && n.type !== 'notify') out.push('Would publish its own output (no Save output after it).');
  if (n.type === 'notify') out.push('Would notify.');
  if (n.problem) out.push(n.problem);
  return out;
}

/** What the panel shows of the workflow: it is drawn again when these change, not on every settings edit. */
export interface WorkflowFacts {
  id: string;
  revision: number;
  family: WorkflowDocument['family'];
}

interface RunPanelProps {
  doc: WorkflowFacts;
  /** The document as it is now, read when a dry run is asked for. */
  current: () => WorkflowDocument;
  /** Whether `plan` was made from the document as it is now. */
  planCurrent: boolean;
  dirty: boolean;
  /** null while the current document is being checked. */
  valid: boolean | null;
  errorCount: number;
  plan: { result: WorkflowPlan; doc: WorkflowDocument } | null;
  onPlan: (plan: { result: WorkflowPlan; doc: WorkflowDocument } | null) => void;
}

type Target = { kind: 'orderLineId' | 'cadFileId'; id: string } | null;

/** A draft's bounds, as the contract takes them (DraftSchema). */
const DRAFT = { maxSize: { min: 16, max: 8192 }, samples: { min: 1, max: 4096 } } as const;

/**
 * Dry run (the backend's plan) and dispatch of the saved workflow on a CAD file or an order line,
 * with an output type's parameter values (on a line, its own by default) and an optional draft.
 * An editor run is an observer: the panel says so, and links to the run it started.
 */
export const RunPanel = memo(function RunPanel({ doc, current, planCurrent, dirty, valid, errorCount, plan, onPlan }: RunPanelProps) {
  const client = useClient();
  const headingId = useId();
  const reasonsId = useId();
  const [outputTypes, setOutputTypes] = useState<OutputTypeSummary[]>([]);
  /** '' : the line's own output type (on a CAD file: none, the workflow's defaults). */
  const [outputTypeKey, setOutputTypeKey] = useState<string>('');
  const [maxSize, setMaxSize] = useState('');
  const [samples, setSamples] = useState('');
  const [started, setStarted] = useState<{ runId: string; outputTypeKey: string | null } | null>(null);
  const [orderLines, setOrderLines] = useState<{ lines: OrderLine[]; orderNames: Map<string, string> } | null>(null);
  const [cadFiles, setCadFiles] = useState<CadFile[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [target, setTarget] = useState<string>('');
  const [busy, setBusy] = useState<'plan' | 'run' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const family = doc.family;

  useEffect(() => {
    let live = true;
    // The newest lines and ready files only: a choice among the first pages, not the whole history.
    const load =
      family === 'order_line'
        ? Promise.all([client.call('orders.lines', { limit: CHOICES }), client.call('orders.list', { limit: CHOICES })]).then(
            ([lines, orders]) => live && setOrderLines({ lines: lines.items, orderNames: new Map(orders.items.map((o) => [o.id, o.name])) }),
          )
        : client.call('cad.list', { status: 'ready', limit: CHOICES }).then((r) => live && setCadFiles(r.items));
    load.catch((e: unknown) => live && setLoadError(`The ${family === 'order_line' ? 'order lines' : 'CAD files'} could not be read: ${errorText(e)}`));
    // Output types apply to order_line workflows; only a migrated one has values a workflow takes.
    if (family === 'order_line') {
      client
        .call('outputTypes.list', {})
        .then((r) => live && setOutputTypes(r.outputTypes.filter((o) => o.form !== 'legacy_preset')))
        .catch((e: unknown) => live && setLoadError(`The output types could not be read: ${errorText(e)}`));
    }
    return () => {
      live = false;
    };
  }, [client, family]);

  const parsed: Target = target ? { kind: family === 'order_line' ? 'orderLineId' : 'cadFileId', id: target } : null;
  const draftNumber = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));
  const draft = { ...(draftNumber(maxSize) !== undefined ? { maxSize: draftNumber(maxSize) } : {}), ...(draftNumber(samples) !== undefined ? { samples: draftNumber(samples) } : {}) };
  const targetInput = {
    ...(parsed ? { [parsed.kind]: parsed.id } : {}),
    ...(family === 'order_line' && outputTypeKey ? { outputTypeKey } : {}),
    ...(Object.keys(draft).length > 0 ? { draft } : {}),
  };

  const reasons: string[] = [];
  if (dirty) reasons.push('Save the workflow first: dispatch runs the saved revision.');
  if (valid === null) reasons.push('The graph is being checked.');
  else if (!valid) reasons.push(`The graph has ${errorCount} ${errorCount === 1 ? 'problem' : 'problems'} that block dispatch (see Problems).`);
  if (!parsed) reasons.push(family === 'order_line' ? 'Choose an order line to run on.' : 'Choose a ready CAD file to run on.');
  if (doc.revision < 1) reasons.push('The workflow has never been saved.');

  const dryRun = async () => {
    setBusy('plan');
    setError(null);
    try {
      const document = current();
      const result = await client.call('workflows.plan', { document, ...targetInput });
      onPlan({ result, doc: document });
    } catch (e) {
      onPlan(null);
      setError(`Dry run failed: ${errorText(e)}`);
    } finally {
      setBusy(null);
    }
  };

  const dispatch = async () => {
    setBusy('run');
    setError(null);
    try {
      setStarted(null);
      setStarted(await client.call('workflows.run', { workflowId: doc.id, revision: doc.revision, ...targetInput }));
    } catch (e) {
      setError(`Dispatch failed: ${errorText(e)}`);
    } finally {
      setBusy(null);
    }
  };

  const lines = (orderLines?.lines ?? []).map((l) => ({ order: { name: orderLines?.orderNames.get(l.orderId) ?? l.orderId }, line: l }));
  const chosenLine = parsed?.kind === 'orderLineId' ? lines.find((l) => l.line.id === parsed.id)?.line : undefined;
  const lineOwn = chosenLine ? outputTypes.find((o) => o.key === chosenLine.outputTypeKey) : undefined;
  const ownLabel = chosenLine
    ? lineOwn
      ? `The line's own: ${lineOwn.name} (${lineOwn.key})`
      : `The line's own: ${chosenLine.outputTypeKey} (not migrated: the workflow's defaults apply)`
    : parsed
      ? "None: the workflow's defaults"
      : "The line's own";
  const ready = (cadFiles ?? []).filter((c) => c.status === 'ready');
  const planShown = plan && planCurrent ? plan.result : null;

  return (
    <Stack component="section" gap="xs" className="wf-panel" aria-labelledby={headingId}>
      <Title order={2} id={headingId}>
        Dry run and dispatch
      </Title>
      {loadError && (
        <Alert color="red" p="xs">
          {loadError}
        </Alert>
      )}
      <Group align="flex-end" gap="sm" wrap="wrap">
        <NativeSelect label={family === 'order_line' ? 'Order line' : 'CAD file'} value={target} onChange={(e) => setTarget(e.currentTarget.value)} className="wf-run-choice">
          <option value="">{family === 'order_line' ? (lines.length ? '— choose an order line —' : 'No order lines yet') : ready.length ? '— choose a CAD file —' : 'No ready CAD files'}</option>
          {family === 'order_line'
            ? lines.map(({ order, line }) => (
                <option key={line.id} value={line.id}>
                  {order.name} · line {line.lineNo} · {line.cadName} · {line.outputTypeKey}
                </option>
              ))
            : ready.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
        </NativeSelect>
        {family === 'order_line' && (
          <NativeSelect label="Output type" value={outputTypeKey} onChange={(e) => setOutputTypeKey(e.currentTarget.value)} className="wf-run-choice">
            <option value="">{ownLabel}</option>
            {outputTypes.map((o) => (
              <option key={o.key} value={o.key}>
                {o.name} ({o.key})
              </option>
            ))}
          </NativeSelect>
        )}
      </Group>
      <Fieldset legend="Draft (optional)" variant="unstyled" className="wf-fieldset">
        <Group gap="sm">
          <TextInput
            label="Max size (px)"
            type="number"
            inputMode="numeric"
            min={DRAFT.maxSize.min}
            max={DRAFT.maxSize.max}
            step={1}
            placeholder="full size"
            w={130}
            value={maxSize}
            onChange={(e) => setMaxSize(e.currentTarget.value)}
          />
          <TextInput
            label="Samples"
            type="number"
            inputMode="numeric"
            min={DRAFT.samples.min}
            max={DRAFT.samples.max}
            step={1}
            placeholder="as set"
            w={130}
            value={samples}
            onChange={(e) => setSamples(e.currentTarget.value)}
          />
        </Group>
      </Fieldset>
      <Text size="sm" c="dimmed">
        An editor run is an observer: it publishes nothing, notifies no one and leaves the order line as it is.
      </Text>
      <Group gap="xs">
        <Button variant="default" onClick={() => void dryRun()} disabled={busy !== null}>
          {busy === 'plan' ? 'Planning…' : 'Dry run'}
        </Button>
        <Button disabled={reasons.length > 0 || busy !== null} aria-describedby={reasonsId} onClick={() => void dispatch()}>
          {busy === 'run' ? 'Dispatching…' : 'Dispatch'}
        </Button>
      </Group>
      <ul id={reasonsId} className="wf-reasons">
        {reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      {error && (
        <Alert color="red" p="xs">
          {error}
        </Alert>
      )}
      {started && (
        <Text role="status" size="sm">
          Started run {started.runId.slice(0, 8)} {started.outputTypeKey ? `with output type ${started.outputTypeKey}` : "with the workflow's defaults"}:{' '}
          <Anchor component={Link} to={`/runs/${encodeURIComponent(started.runId)}`}>
            Open the run
          </Anchor>
        </Text>
      )}
      {plan && !planShown && (
        <Text size="sm" c="dimmed">
          The graph changed since the last dry run; run it again.
        </Text>
      )}
      {planShown && (
        <div role="region" aria-label="Dry run plan">
          <Text role="status" size="sm" mb={4}>
            {planShown.valid ? 'Plan is valid' : 'Plan has problems'}: {planShown.nodes.length} nodes in order, {planShown.reused} reused from earlier runs, {planShown.renders}{' '}
            {planShown.renders === 1 ? 'render' : 'renders'} to queue.
          </Text>
          <Table.ScrollContainer minWidth={560}>
            <Table aria-label="Plan">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th ta="right">Order</Table.Th>
                  <Table.Th>Node</Table.Th>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>Reuse</Table.Th>
                  <Table.Th>Renders</Table.Th>
                  <Table.Th>Publishing and notes</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {planShown.nodes.map((n, i) => (
                  <Table.Tr key={n.nodeId}>
                    <Table.Td ta="right">{i + 1}</Table.Td>
                    <Table.Th scope="row" fw={400}>
                      {n.nodeId}
                    </Table.Th>
                    <Table.Td>{n.type}</Table.Td>
                    <Table.Td className="nowrap">{reuseWords(n)}</Table.Td>
                    <Table.Td>{rendersWords(n.renders)}</Table.Td>
                    <Table.Td>{notesWords(n).join(' ')}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <dl className="wf-plan-legend" aria-label="What the plan says">
            <dt>Reuse</dt>
            <dd>
              <strong>runs</strong>: no earlier run made this output from the same inputs and settings. <strong>reused</strong>: an earlier run did, so the node is not run
              again and its stored output is used. <strong>unknown yet</strong>: its inputs are made during the run, so whether it can be reused is known only then.{' '}
              <strong>always runs</strong>: its output is never stored for reuse.
            </dd>
            <dt>Renders</dt>
            <dd>Blender jobs the node queues on the render farm (a turntable's frames count one each).</dd>
            <dt>Publishing</dt>
            <dd>A dispatch from the editor is an observer: it records what it would publish and send, and publishes and notifies nothing.</dd>
          </dl>
          {planShown.problems.length > 0 && (
            <List size="sm" listStyleType="none" spacing={2}>
              {planShown.problems.map((p, i) => (
                <List.Item key={i}>
                  <SeverityBadge severity={p.severity} /> {p.message}
                </List.Item>
              ))}
            </List>
          )}
        </div>
      )}
      {family === 'order_line' && <TryInShadow doc={doc} dirty={dirty} />}
    </Stack>
  );
});
