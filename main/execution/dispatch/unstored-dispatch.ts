import fs from 'node:fs';
import path from 'node:path';
import type { Draft, NodeRun } from '../../../shared/runs/api';
import { compilePipeline } from '../../catalog/legacy/compile-pipeline';
import type { PresetWorkflow } from '../../catalog/legacy/pipeline-schema';
import type { RenderPreset } from '../../catalog/legacy/preset-schema';
import { readPngSize } from '../../platform/files/png-size';
import type { ExecutableRegistry } from '../executors';
import type { MediaAssetArtifact } from '../executors/artifacts';
import type { NotifyRequest, PublishRequest, RenderLogEntry } from '../executors/context';
import type { RenderFarm } from '../farm/types';
import { createRunContext } from '../runtime/run-context';
import { lastArtifact, runGraph, type GraphResult, type RunRecorder } from '../runtime/run-graph';
import { CAD_EFFECTS } from '../cad-import/cad-ingest-runner';
import type { Tools } from '../tools/resolve-tools';

/** A file `lightbox render` wrote into its output folder. */
export interface UnstoredOutput {
  kind: 'still' | 'thumbnail' | 'video' | 'frame' | 'blend';
  file: string;
  format: string;
  width: number | null;
  height: number | null;
  frames?: number;
  durationSeconds?: number;
  sha256: string;
}

/** A node run kept in memory: what the run store would have recorded. */
type MemoryNode = Pick<NodeRun, 'nodeId' | 'nodeType' | 'status' | 'error'> & { outputs?: unknown; log: string[] };

export interface UnstoredRun {
  status: GraphResult['status'];
  failedNode: string | null;
  error: string | null;
  /** The CAD phase's nodes, then the pipeline's. */
  nodes: MemoryNode[];
  outputs: UnstoredOutput[];
  /** What the pipeline's notify steps would have sent; nothing is sent. */
  notifications: Pick<NotifyRequest, 'event' | 'channels' | 'webhookUrl' | 'error'>[];
  renderLogs: RenderLogEntry[];
}

/** A run store that keeps node runs in memory only. */
function memoryRecorder(nodes: MemoryNode[]): RunRecorder {
  const find = (nodeId: string) => nodes.find((n) => n.nodeId === nodeId);
  return {
    startNode: (_runId, node) => {
      const existing = find(node.nodeId);
      if (existing) Object.assign(existing, { status: 'running', error: null });
      else nodes.push({ nodeId: node.nodeId, nodeType: node.nodeType, status: 'running', error: null, log: [] });
    },
    finishNode: (_runId, nodeId, result) => Object.assign(find(nodeId) ?? {}, { status: result.status, error: result.error ?? null, ...(result.outputs ? { outputs: result.outputs } : {}) }),
    appendLog: (_runId, nodeId, line) => find(nodeId)?.log.push(line),
  };
}

const VIDEO_FORMATS = new Set(['mp4', 'webm']);

/**
 * `lightbox render`: a dispatch that stores nothing. The CAD file is ingested by the compiled
 * cad_ingest_default pipeline and the preset's pipeline is compiled and run exactly as legacy
 * dispatch runs it (same compile, runtime, executors, draft rules and publishing rule), with an
 * in-memory run store; what would be published is copied into `outDir`, what would be sent is
 * returned, nothing reaches a database, the media library or a customer. So its files are the
 * bytes `lightbox dispatch` publishes for the same CAD file, preset and draft.
 */
export async function runUnstored(input: {
  cadFile: string;
  preset: RenderPreset;
  pipeline: PresetWorkflow;
  cadPipeline: PresetWorkflow;
  outDir: string;
  workDir: string;
  draft: Draft;
  registry: ExecutableRegistry;
  farm: RenderFarm;
  tools: Tools;
  signal: AbortSignal;
  timeoutMs?: number;
  onLog?: (nodeId: string, line: string) => void;
}): Promise<UnstoredRun> {
  const runId = `cli-render-${process.pid}-${Date.now()}`;
  const nodes: MemoryNode[] = [];
  const runs = memoryRecorder(nodes);
  const outputs: UnstoredOutput[] = [];
  const notifications: UnstoredRun['notifications'] = [];
  const renderLogs: RenderLogEntry[] = [];
  const cadName = path.basename(input.cadFile);
  const cad = path.basename(cadName, path.extname(cadName));
  const lookup = (type: string) => input.registry.current(type);
  const base = { farm: input.farm, tools: input.tools, signal: input.signal, ...(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {}) };
  const phase = (document: ReturnType<typeof compilePipeline>, run: ReturnType<typeof createRunContext>, folder: string) =>
    runGraph({ document, registry: input.registry, parameterValues: {}, overrides: {}, run, runs, cache: null, parallel: 1, selfPublish: 'pipeline', workRoot: path.join(input.workDir, folder), onLog: input.onLog });

  // The CAD file as a CAD import ingests it (the same GLB the library would keep).
  const ingest = await phase(
    compilePipeline(input.cadPipeline, null, lookup),
    createRunContext({
      ...base,
      runId: `${runId}-cad`,
      mode: 'legacy',
      role: 'authoritative',
      names: { order: 'cli', line: '1', cad, preset: input.cadPipeline.key },
      cadSource: { type: 'cad_source', cadFileId: null, file: path.resolve(input.cadFile), name: cadName },
      effects: CAD_EFFECTS,
    }),
    'cad',
  );
  const mesh = lastArtifact(ingest.outputs, 'mesh_asset');
  if (ingest.status !== 'succeeded' || !mesh) {
    return { status: ingest.status === 'succeeded' ? 'failed' : ingest.status, failedNode: ingest.failedNode, error: ingest.error ?? 'the CAD file produced no mesh', nodes, outputs, notifications, renderLogs };
  }

  await fs.promises.mkdir(input.outDir, { recursive: true });
  const place = async (file: string): Promise<string> => {
    const dest = path.join(input.outDir, path.basename(file));
    await fs.promises.copyFile(file, dest);
    return dest;
  };
  let published = 0;
  const publish = async (request: PublishRequest): Promise<MediaAssetArtifact> => {
    const main = request.main;
    const video = VIDEO_FORMATS.has(main.format);
    const kind: UnstoredOutput['kind'] = main.format === 'blend' ? 'blend' : video ? 'video' : request.attachments.some((a) => a.role === 'frame') && main.frames ? 'frame' : 'still';
    const file = await place(main.file);
    outputs.push({
      kind,
      file,
      format: main.format,
      width: main.width ?? null,
      height: main.height ?? null,
      ...(video && main.frames !== undefined ? { frames: main.frames } : {}),
      ...(main.durationSeconds !== undefined ? { durationSeconds: main.durationSeconds } : {}),
      sha256: main.sha256,
    });
    for (const a of request.attachments) {
      const placed = await place(a.file);
      const size = a.role === 'thumbnail' ? await readPngSize(placed) : null;
      outputs.push({ kind: a.role, file: placed, format: path.extname(placed).slice(1), width: size?.width ?? main.width ?? null, height: size?.height ?? main.height ?? null, sha256: a.sha256 });
    }
    published += 1;
    return { type: 'media_asset', assetId: `cli-${published}`, kind: request.kind, file, sha256: main.sha256, published: true };
  };
  const line = { type: 'order_line' as const, orderLineId: 'cli-1', orderId: 'cli', lineNo: 1, cadFileId: 'cli', outputTypeKey: input.preset.key, overrides: {} };
  const result = await phase(
    compilePipeline(input.pipeline, input.preset, lookup),
    createRunContext({
      ...base,
      runId,
      mode: 'legacy',
      role: 'authoritative',
      names: { order: 'cli', line: '1', cad, preset: input.preset.key },
      draft: input.draft,
      orderLine: line,
      resolveCad: () => mesh,
      effects: {
        publish,
        notify: (request) => {
          notifications.push({ event: request.event, channels: request.channels, ...(request.webhookUrl ? { webhookUrl: request.webhookUrl } : {}), ...(request.error ? { error: request.error } : {}) });
          return { type: 'notification', notificationIds: [], sent: false };
        },
      },
      recordRender: (entry) => renderLogs.push(entry),
    }),
    'line',
  );
  return { status: result.status, failedNode: result.failedNode, error: result.error, nodes, outputs, notifications, renderLogs };
}
