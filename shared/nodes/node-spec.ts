import { z } from 'zod';
import type { Family } from '../workflow/document';
import { type PortSpec } from './ports';
import { OutputSettings, PublishSettings, RendererSettings, ResolutionSettings } from './settings-parts';

export const NODE_CATEGORIES = ['input', 'cad', 'scene', 'render', 'post', 'output'] as const;
export type NodeCategory = (typeof NODE_CATEGORIES)[number];

/** Maps the settings of an older node version to the next one. */
export interface SettingsUpgrade {
  from: number;
  up(settings: Record<string, unknown>): Record<string, unknown>;
}

/**
 * What a node type is, independent of how it runs: the vocabulary both the editor and the
 * backend need. Each node type's spec is `main/nodes/<type>/spec.ts`, beside its executor
 * (`execute.ts`); the registry in main/ pairs them.
 */
export interface NodeSpec {
  type: string;
  version: number;
  title: string;
  description: string;
  category: NodeCategory;
  families: Family[];
  inputs: PortSpec[];
  outputs: PortSpec[];
  settings: z.ZodObject;
  /** Delivers something (publishes, renders, notifies): what "a path to an output" leads to. */
  isOutput: boolean;
  /** The legacy service this node performs, if any (FORMAT.md names). */
  legacyService?: string;
  upgrades: SettingsUpgrade[];
  /** How the runtime, the planner and the editor treat the node: the one place these facts live. */
  traits: NodeTraits;
}

/**
 * Facts about a node type that the runtime, the planner and the editor act on. Read from the
 * registry (main) or from nodes.list (renderer), never from lists kept elsewhere.
 */
export interface NodeTraits {
  /** Its outputs are a pure function of its cache key (no effects, no run context): reused when unchanged. */
  cacheable: boolean;
  /** Cheap and effect-free: a dry run evaluates it to follow cache keys past it. */
  planEvaluated: boolean;
  /** Queues Blender renders on the farm; how many a dry run counts is `renderCount`. */
  renders: boolean;
  /** Its outputs depend on the run's draft and file-name values (it writes files by name): both join its cache key. */
  keyedByRun: boolean;
  /** Publishes a media asset (itself, or as output_save). */
  publishes: boolean;
  /** Still runs when the run has failed, told of the failure (notify sends render.failed). */
  runsOnFailure: boolean;
  /** The media asset kind it publishes unless its settings name one. */
  outputKind?: string;
}

/** Renders a node of this type queues with these (parsed) settings: 0 unless it renders. */
export function renderCount(spec: Pick<NodeSpec, 'traits'>, settings: Record<string, unknown> | null): number {
  if (!spec.traits.renders) return 0;
  const frames = (settings?.turntable as { frames?: number } | undefined)?.frames;
  return typeof frames === 'number' ? frames : 1;
}

export const nodeTraits = (t: Partial<NodeTraits> = {}): NodeTraits => ({ cacheable: false, planEvaluated: false, renders: false, keyedByRun: false, publishes: false, runsOnFailure: false, ...t });

/** A node's settings object: unknown keys are errors. */
export const obj = <T extends z.ZodRawShape>(shape: T) => z.object(shape).strict();
/** A nested settings group whose fields all have defaults: absent means all defaults. */
export const nested = <T extends z.ZodObject>(schema: T) => schema.prefault({} as z.input<T>);
export const ORDER_LINE: Family[] = ['order_line'];
export const CAD_FILE: Family[] = ['cad_file'];

/** The settings every render node has. */
export const renderSettings = {
  renderer: nested(RendererSettings),
  resolution: nested(ResolutionSettings),
  output: nested(OutputSettings),
  /** Used only when no output_save is downstream: the render then publishes itself. */
  publish: nested(PublishSettings),
};
