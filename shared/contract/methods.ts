import { z } from 'zod';
import { defineMethod } from './define';
import { DataDirSourceSchema, SettingsPatchSchema, SettingsSchema } from '../settings/schema';
import { PreflightReportSchema } from '../preflight/report';
import { NodeDefinitionSchema } from '../nodes/definition';
import { WorkflowDocumentSchema, IdSchema } from '../workflow/document';
import {
  WorkflowRevisionSchema,
  WorkflowSummarySchema,
  WorkflowsGetInput,
  WorkflowsListInput,
  WorkflowsSaveInput,
  WorkflowsSaveOutput,
  WorkflowsValidateInput,
  WorkflowsValidateOutput,
} from '../workflow/api';
import { LegacyImportInput, LegacyImportOutput, LegacyMigrateInput, LegacyMigrateOutput } from '../legacy/api';
import { FarmCancelInput, FarmCancelOutput, FarmStatusSchema } from '../farm/status';

const NoInput = z.object({}).strict();

export const AppInfoSchema = z.object({
  name: z.literal('Lightbox'),
  version: z.string(),
  platform: z.string(),
  transport: z.enum(['ipc', 'http']),
  dataDir: z.string(),
  dataDirSource: DataDirSourceSchema,
  /** The data directory saved as a setting; takes effect at the next start. */
  configuredDataDir: z.string().nullable(),
  schemaVersion: z.number().int(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const DataDirChangeSchema = z.object({
  path: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(4096)
    .refine((p) => !p.includes('\0'), 'must not contain NUL bytes')
    .nullable(),
});

/**
 * Every method between UI and backend. Both transports (Electron IPC and the headless host)
 * carry exactly this table; nothing else crosses the boundary.
 */
export const methods = {
  'app.info': defineMethod({
    summary: 'Version, transport and data directory of the running backend.',
    input: NoInput,
    output: AppInfoSchema,
  }),
  'settings.get': defineMethod({
    summary: 'The effective settings: stored values over the backend defaults for this machine.',
    input: NoInput,
    output: SettingsSchema,
  }),
  'settings.defaults': defineMethod({
    summary: 'The backend defaults for this machine, for showing beside each setting.',
    input: NoInput,
    output: SettingsSchema,
  }),
  'settings.update': defineMethod({
    summary: 'Change some settings; answers the effective settings after the change.',
    input: SettingsPatchSchema,
    output: SettingsSchema,
  }),
  'settings.setDataDir': defineMethod({
    summary: 'Save the data directory used from the next start (null returns to the default).',
    input: DataDirChangeSchema,
    output: AppInfoSchema,
  }),
  'preflight.run': defineMethod({
    summary: 'Check Blender (version, engines that render headless), ffmpeg, disk and the data directory.',
    input: NoInput,
    output: PreflightReportSchema,
  }),
  'preflight.last': defineMethod({
    summary: 'The most recent preflight report, or null when none has run in this data directory.',
    input: NoInput,
    output: PreflightReportSchema.nullable(),
  }),
  'nodes.list': defineMethod({
    summary: 'Every node type: ports, families, settings JSON Schema, defaults, and executor or disabled reason.',
    input: NoInput,
    output: z.object({ nodes: z.array(NodeDefinitionSchema) }),
  }),
  'workflows.list': defineMethod({
    summary: 'Saved workflows, newest first; search matches name and id.',
    input: WorkflowsListInput,
    output: z.object({ workflows: z.array(WorkflowSummarySchema) }),
  }),
  'workflows.get': defineMethod({
    summary: 'A workflow document exactly as saved: the current revision, or the one asked for.',
    input: WorkflowsGetInput,
    output: WorkflowDocumentSchema,
  }),
  'workflows.save': defineMethod({
    summary: 'Save a canonical document as a new revision; an invalid one is refused with every problem.',
    input: WorkflowsSaveInput,
    output: WorkflowsSaveOutput,
  }),
  'workflows.validate': defineMethod({
    summary: 'Every problem of a document at once, for saving or for dispatching.',
    input: WorkflowsValidateInput,
    output: WorkflowsValidateOutput,
  }),
  'workflows.delete': defineMethod({
    summary: 'Delete a workflow; its revisions are kept.',
    input: z.object({ id: IdSchema }).strict(),
    output: z.object({ id: z.string(), deletedAt: z.string() }),
  }),
  'workflows.revisions': defineMethod({
    summary: 'The revision history of a workflow, newest first.',
    input: z.object({ id: IdSchema }).strict(),
    output: z.object({ revisions: z.array(WorkflowRevisionSchema) }),
  }),
  'legacy.import': defineMethod({
    summary: 'Import legacy render presets and preset workflows (all or nothing), kept dispatchable as they are.',
    input: LegacyImportInput,
    output: LegacyImportOutput,
  }),
  'legacy.migrate': defineMethod({
    summary: 'Migrate legacy documents to canonical workflows and invocation profiles; verify losslessness.',
    input: LegacyMigrateInput,
    output: LegacyMigrateOutput,
  }),
  'farm.status': defineMethod({
    summary: 'The render farm: its Blender processes and its queue (queued, running, recent tasks).',
    input: NoInput,
    output: FarmStatusSchema,
  }),
  'farm.cancel': defineMethod({
    summary: 'Cancel one farm task, or every task of a run; answers how many were cancelled.',
    input: FarmCancelInput,
    output: FarmCancelOutput,
  }),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}
