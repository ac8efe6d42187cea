import { z } from 'zod';
import { FamilySchema } from '../workflow/document';
import { PortSpecSchema } from './ports';
import { NODE_CATEGORIES } from './node-spec';

/** A node type as the backend serves it (nodes.list, `lightbox nodes --json`). */
export const NodeDefinitionSchema = z.object({
  type: z.string(),
  version: z.number().int(),
  title: z.string(),
  description: z.string(),
  category: z.enum(NODE_CATEGORIES),
  families: z.array(FamilySchema),
  inputs: z.array(PortSpecSchema),
  outputs: z.array(PortSpecSchema),
  /** JSON Schema (draft 2020-12) of the settings, defaults included. */
  settingsSchema: z.record(z.string(), z.unknown()),
  /** The settings a new node gets; they validate against settingsSchema. */
  defaults: z.record(z.string(), z.unknown()),
  isOutput: z.boolean(),
  /** How the runtime and the editor treat the node (shared/nodes/node-spec.ts NodeTraits). */
  traits: z.object({
    cacheable: z.boolean(),
    planEvaluated: z.boolean(),
    renders: z.boolean(),
    keyedByRun: z.boolean(),
    publishes: z.boolean(),
    runsOnFailure: z.boolean(),
    outputKind: z.string().optional(),
  }),
  legacyService: z.string().optional(),
  executable: z.boolean(),
  /** Why the node cannot run yet; present exactly when executable is false. */
  disabledReason: z.string().optional(),
  /** Older versions whose settings are upgraded to this one on load. */
  upgradesFrom: z.array(z.number().int()),
});
export type NodeDefinition = z.infer<typeof NodeDefinitionSchema>;
