import crypto from 'node:crypto';
import path from 'node:path';
import { NODE_SPECS } from '../../nodes/specs';
import type { Draft } from '../../../shared/runs/api';
import type { RenderFarm } from '../farm/types';
import type { Artifact, MediaAssetArtifact, MeshArtifact, NodeOutputs, NotificationArtifact } from './artifacts';
import { NodeError, type NodeExecution, type NotifyRequest, type PublishRequest, type RenderLogEntry, type RunContext } from './context';
import { NODE_RUNTIMES } from '../../nodes/executors';

/** A RunContext for node-level tests, with every effect recorded instead of written to a library. */
export interface TestRun {
  run: RunContext;
  /** Each node gets `<workRoot>/<nodeId>` as its folder, as runChain gives it. */
  workRoot: string;
  published: PublishRequest[];
  assets: MediaAssetArtifact[];
  notified: NotifyRequest[];
  renders: RenderLogEntry[];
}

export interface TestRunOptions {
  farm: RenderFarm;
  workRoot: string;
  blenderPath: string;
  ffmpegPath?: string;
  ffprobePath?: string;
  draft?: Draft;
  selfPublish?: boolean;
  /** What run.resolveCad answers; without it resolveCad throws, as the dispatcher does for an unknown file. */
  mesh?: MeshArtifact;
  /** Replaces any RunContext field (orderLine, cadSource, parameters, resolveCad, ...). */
  overrides?: Partial<RunContext>;
}

/** The version the farm's Blender reports, asked once with a ping job (as the dispatcher does). */
function pingVersion(farm: RenderFarm): () => Promise<string | null> {
  let asked: Promise<string | null> | null = null;
  return () => {
    asked ??= farm
      .runJob({ kind: 'ping', id: `version-${crypto.randomBytes(3).toString('hex')}` }, { label: 'blender version', timeoutMs: 60_000 })
      .then((reply) => reply.blender ?? null);
    return asked;
  };
}

export function createTestRun(options: TestRunOptions): TestRun {
  const published: PublishRequest[] = [];
  const assets: MediaAssetArtifact[] = [];
  const notified: NotifyRequest[] = [];
  const renders: RenderLogEntry[] = [];
  const runId = `test-run-${crypto.randomBytes(4).toString('hex')}`;
  const run: RunContext = {
    runId,
    mode: 'legacy',
    role: 'authoritative',
    farm: options.farm,
    tools: {
      blenderPath: options.blenderPath,
      ...(options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {}),
      ...(options.ffprobePath ? { ffprobePath: options.ffprobePath } : {}),
    },
    names: { order: 'ord1', line: '2', cad: 'part', preset: 'test_preset' },
    draft: options.draft ?? {},
    timeoutMs: 120_000,
    signal: new AbortController().signal,
    selfPublish: options.selfPublish ?? false,
    resolveCad: (line) => {
      if (!options.mesh) throw new NodeError(`CAD file ${line.cadFileId} is not in the library`);
      return options.mesh;
    },
    publish: async (request) => {
      published.push(structuredClone(request));
      const asset: MediaAssetArtifact = {
        type: 'media_asset',
        assetId: `asset-${published.length}`,
        kind: request.kind,
        file: path.posix.join(request.folder, path.basename(request.main.file)),
        sha256: request.main.sha256,
        published: true,
      };
      assets.push(asset);
      return asset;
    },
    notify: (request): NotificationArtifact => {
      notified.push(structuredClone(request));
      return { type: 'notification', notificationIds: request.channels.map((c) => `${runId}:${request.event}:${c}`), sent: true };
    },
    recordRender: (entry) => {
      renders.push(structuredClone(entry));
    },
    blenderVersion: pingVersion(options.farm),
    ...options.overrides,
  };
  return { run, workRoot: options.workRoot, published, assets, notified, renders };
}

export interface NodeCall {
  nodeId?: string;
  settings?: Record<string, unknown>;
  /** Hand the settings over as given, skipping the node type's schema (what a buggy caller could do). */
  unparsed?: boolean;
  inputs?: Partial<Record<string, Artifact>>;
  failure?: { step: string; message: string };
}

export interface NodeResult {
  outputs: NodeOutputs;
  logs: string[];
  progress: [number, number][];
  workDir: string;
}

let nodeCounter = 0;

/**
 * Runs one node's executor the way the runtime does: settings parsed with the node spec's schema
 * (a problem is a NodeError naming the settings path), a folder of its own, log and progress kept.
 */
export async function runNode(test: TestRun, type: string, call: NodeCall = {}): Promise<NodeResult> {
  const spec = NODE_SPECS.find((s) => s.type === type);
  if (!spec) throw new NodeError(`node type ${type} is not registered`);
  const runtime = NODE_RUNTIMES[type];
  if (!runtime || !('executor' in runtime)) throw new NodeError(`node type ${type} has no executor`);
  const { executor } = runtime;
  let settings = call.settings ?? {};
  if (!call.unparsed) {
    const parsed = spec.settings.safeParse(settings);
    if (!parsed.success) {
      const problem = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(settings)'}: ${i.message}`).join('; ');
      throw new NodeError(`invalid settings: ${problem}`);
    }
    settings = parsed.data as Record<string, unknown>;
  }
  nodeCounter += 1;
  const nodeId = call.nodeId ?? `${type}_${nodeCounter}`;
  const logs: string[] = [];
  const progress: [number, number][] = [];
  const workDir = path.join(test.workRoot, nodeId);
  const execution: NodeExecution = {
    run: test.run,
    nodeId,
    settings,
    inputs: call.inputs ?? {},
    workDir,
    log: (line) => logs.push(line),
    progress: (done, total) => progress.push([done, total]),
    ...(call.failure ? { failure: call.failure } : {}),
  };
  return { outputs: await executor(execution), logs, progress, workDir };
}
