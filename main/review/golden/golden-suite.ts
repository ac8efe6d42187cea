import path from 'node:path';
import type { ArtifactComparison, Verdict } from '../../../shared/comparison/api';
import type { OrderLine } from '../../../shared/orders/api';
import type { Draft } from '../../../shared/runs/api';
import type { Studio } from './studio';
import { resourcesDir } from '../../../workers/resources/paths';
import { resolveDispatch } from './outcome';
import { provisionCadFile, provisionLegacy, readLegacyBundle } from './provision';

/**
 * The golden parity suite (`lightbox golden`): every example render preset shipped in
 * `resources/golden/` (a still on a colour background, a transparent still with trim and
 * thumbnail, turntables, a `.blend` export), migrated with verification, on two CAx-IF STEP parts.
 * Each case is one order line dispatched in shadow mode: legacy renders it authoritatively, the
 * migrated graph renders it as the observer, and the stored comparison says, field by field,
 * whether they match.
 */
export const goldenResourcesDir = (): string => path.join(resourcesDir(), 'golden');

/** The two CAx-IF parts: the sample assembly (mm) and a bracket with bolts and nuts (inches). */
export const goldenParts = (): string[] => [path.join(resourcesDir(), 'samples', 'as1-oc-214.stp'), path.join(goldenResourcesDir(), 'dm1-id-214.stp')];

export const GOLDEN_ORDER_NAME = 'Lightbox golden suite';
export const DEFAULT_GOLDEN_DRAFT = { maxSize: 96, samples: 4 } as const satisfies Draft;

/** One parity field of a case: a record of the comparison, or a generated output file. */
export interface GoldenField {
  field: string;
  same: boolean;
  legacy: unknown;
  shadow: unknown;
  /** For output files: how they compare (same bytes, pixel deltas, .blend structure). */
  detail?: string;
}

export interface GoldenCase {
  name: string;
  outputType: string;
  cadFile: string;
  orderLineId: string | null;
  verdict: Verdict | null;
  ok: boolean;
  fields: GoldenField[];
  /** Why the case fails: the comparison's reasons and anything else; empty when it passes. */
  reasons: string[];
  legacyRunId: string | null;
  shadowRunId: string | null;
  comparisonId: string | null;
  durationMs: number;
}

export interface GoldenReport {
  draft: Draft;
  orderId: string;
  cases: GoldenCase[];
  passed: number;
  failed: number;
  ok: boolean;
}

export interface GoldenOptions {
  draft?: Draft;
  /** How many cases dispatch at once (they share the farm). */
  concurrency?: number;
  onCase?: (c: GoldenCase) => void;
  /** Resolves to stop: running cases are cancelled, the rest are not started. */
  stopSignal?: Promise<unknown>;
}

const fileFacts = (side: ArtifactComparison['legacy']) => (side ? { file: side.file, sha256: side.sha256, width: side.width, height: side.height } : null);

function artifactDetail(a: ArtifactComparison): string {
  const parts: string[] = [];
  if (a.kind === 'missing') parts.push('missing on one side');
  else parts.push(a.sameHash ? 'same bytes' : 'bytes differ');
  if (a.pixels) parts.push(`pixels: mean error ${a.pixels.meanError}, ${(a.pixels.overShare * 100).toFixed(2)} % over the threshold`);
  if (a.frames.length > 0) parts.push(`${a.frames.length} frames, ${a.frames.filter((f) => f.verdict === 'pass').length} passing`);
  if (a.blend) parts.push(a.blend.differences.length === 0 ? '.blend structure identical' : `.blend structure differs: ${a.blend.differences.join('; ')}`);
  return parts.join('; ');
}

/** The comparison's artifacts and records as parity fields: output files first, then the records. */
export function parityFields(report: { artifacts: ArtifactComparison[]; records: { field: string; same: boolean; legacy: unknown; shadow: unknown }[] }): GoldenField[] {
  return [
    ...report.artifacts.map((a) => ({ field: `output file: ${a.name}`, same: a.verdict === 'pass', legacy: fileFacts(a.legacy), shadow: fileFacts(a.shadow), detail: artifactDetail(a) })),
    ...report.records.map((r) => ({ field: r.field, same: r.same, legacy: r.legacy, shadow: r.shadow })),
  ];
}

async function runCase(backend: Studio, line: OrderLine, draft: Draft): Promise<GoldenCase> {
  const started = Date.now();
  const cadFile = line.cadName;
  const c: GoldenCase = {
    name: `${line.outputTypeKey} on ${path.basename(cadFile, path.extname(cadFile))}`,
    outputType: line.outputTypeKey,
    cadFile,
    orderLineId: line.id,
    verdict: null,
    ok: false,
    fields: [],
    reasons: [],
    legacyRunId: null,
    shadowRunId: null,
    comparisonId: null,
    durationMs: 0,
  };
  try {
    const dispatch = backend.production.dispatcher.start(line.id, { mode: 'shadow', draft });
    const resolved = resolveDispatch(backend, await dispatch.done);
    const { comparison, shadowRun } = resolved;
    c.legacyRunId = resolved.run.id;
    c.shadowRunId = shadowRun?.id ?? null;
    if (resolved.line.status !== 'succeeded') c.reasons.push(`the legacy render failed: order line ${line.id} ${resolved.line.status}${resolved.line.error ? `: ${resolved.line.error}` : ''}`);
    if (!shadowRun) c.reasons.push('no shadow run was recorded');
    else if (shadowRun.status !== 'succeeded') c.reasons.push(`the graph (shadow) run ${shadowRun.id} ${shadowRun.status}${shadowRun.error ? `: ${shadowRun.failedStep ? `${shadowRun.failedStep}: ` : ''}${shadowRun.error}` : ''}`);
    if (!comparison) {
      const log = shadowRun?.nodes.flatMap((n) => n.log.split('\n')).find((l) => l.includes('comparison failed'));
      c.reasons.push(`no comparison was stored${log ? ` (${log.trim()})` : ''}`);
    } else {
      c.comparisonId = comparison.id;
      c.verdict = comparison.verdict;
      c.fields = parityFields(comparison.report);
      c.reasons.push(...comparison.report.reasons);
      if (!c.fields.some((f) => f.field.startsWith('output file:'))) c.reasons.push('neither side generated an output file');
    }
    c.ok = c.reasons.length === 0 && c.verdict === 'pass' && c.fields.every((f) => f.same);
    // The comparison gives a reason for every field that differs; this only guards that promise.
    if (!c.ok && c.reasons.length === 0) c.reasons.push(`parity fields differ: ${c.fields.filter((f) => !f.same).map((f) => f.field).join(', ')}`);
  } catch (error) {
    c.reasons.push(`dispatch refused: ${(error as Error).message}`);
  }
  c.durationMs = Date.now() - started;
  return c;
}

/**
 * Provisions the golden documents and parts (idempotently; documents of the same keys with other
 * content are refused, never replaced), creates one order of every part × output type, and runs
 * each line in shadow mode with the same draft on both sides.
 */
export async function runGoldenSuite(backend: Studio, options: GoldenOptions = {}): Promise<GoldenReport> {
  const draft: Draft = options.draft ?? { ...DEFAULT_GOLDEN_DRAFT };
  const documents = readLegacyBundle(goldenResourcesDir());
  // Documents first: a conflicting data directory is refused before anything is ingested.
  provisionLegacy(backend, documents, { refuseChanged: true });
  const cadFiles = [];
  for (const part of goldenParts()) cadFiles.push((await provisionCadFile(backend, part)).cadFile);
  const outputTypes = documents.filter((d) => d.kind === 'render_preset').map((d) => d.key);
  const order = backend.production.orders.create({
    name: `${GOLDEN_ORDER_NAME} ${new Date().toISOString().slice(0, 19).replace('T', ' ')}`,
    cadFileIds: cadFiles.map((f) => f.id),
    outputTypeKeys: outputTypes,
  });

  let stopped = false;
  const running = new Set<string>();
  void options.stopSignal?.then(() => {
    stopped = true;
    for (const id of running) backend.production.dispatcher.cancel(id);
  });
  const cases: GoldenCase[] = new Array<GoldenCase>(order.lines.length);
  let next = 0;
  const worker = async () => {
    while (next < order.lines.length && !stopped) {
      const i = next++;
      const line = order.lines[i] as OrderLine;
      running.add(line.id);
      const result = await runCase(backend, line, draft).finally(() => running.delete(line.id));
      cases[i] = result;
      options.onCase?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, worker));
  const done = cases.filter(Boolean);
  const passed = done.filter((c) => c.ok).length;
  const failed = order.lines.length - passed;
  return { draft, orderId: order.id, cases: done, passed, failed, ok: failed === 0 };
}
