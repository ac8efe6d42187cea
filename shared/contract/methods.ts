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
import { AgentDrainInput, AgentDrainOutput, AgentTokenCreateInput, AgentTokenCreateOutput, AgentTokenListOutput, AgentTokenRevokeInput, AgentTokenSchema } from '../farm/agents-api';
import { CadDeleteOutput, CadFileSchema, CadIdInput, CadImportOutput, CadUploadBeginInput, CadUploadChunkInput, CadUploadFinishInput } from '../cad/api';
import {
  DispatchInput,
  DispatchStarted,
  OrderIdInput,
  OrderLineDetailSchema,
  OrderLineIdInput,
  OrderSchema,
  OrdersCancelOutput,
  OrdersCreateInput,
  OrdersLinesInput,
  OrdersListInput,
  OrdersSummaryInput,
  OrdersSummarySchema,
  OrderLineSchema,
  OrderSummarySchema,
  OutputTypeSummarySchema,
} from '../orders/api';
import { AssetPreviewInput, AssetPreviewOutput, AssetsListInput, MediaAssetSchema } from '../media/api';
import { NotificationSchema, NotificationsListInput } from '../notifications/api';
import { ComparisonSchema, ComparisonSummarySchema, ComparisonsListInput, ComparisonsSummarySchema, ReviewInput } from '../comparison/api';
import { ReviewDecideInput, ReviewDecideOutput, ReviewExcuseInput, ReviewGroupsInput, ReviewGroupsOutput, ReviewMemberOutput, ReviewMembersInput, ReviewMembersOutput, ReviewOpenInput, ReviewThumbnailsInput, ReviewThumbnailsOutput } from '../comparison/review-groups';
import { OutputArtifactKindSchema, OutputTypeDraftSchema, OutputTypeProblemSchema, OutputTypeSchema, ProfileDefaultsSchema } from '../output-types/profile';
import { RenderPresetView } from '../legacy/api';
import { CadListInput, CadSummarySchema } from '../cad/list-api';
import { pageOf } from '../paging/page';
import { ModeChangeSchema, RolloutLogInput, OutputTypeRolloutSchema, RolloutRulesSchema, RolloutSetInput, RolloutSetRulesInput, RolloutStatusSchema, RolloutTryRevisionInput } from '../rollout/api';
import { SyncConflictSchema, SyncRunInput, SyncRunOutput, SyncPullInput, SyncPullOutput, SyncPushInput, SyncPushOutput, SyncResolveInput, SyncResolveOutput, SyncStatusSchema } from '../sync/api';
import { RunDetailSchema, RunListItemSchema, RunsListInput, WorkflowPlanSchema, WorkflowRunTargetSchema } from '../runs/api';

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
  'farm.agentTokens.create': defineMethod({
    summary: 'Issue a render agent token (optionally short-lived); answers it, the only time it is shown: only its hash is kept.',
    input: AgentTokenCreateInput,
    output: AgentTokenCreateOutput,
  }),
  'farm.agentTokens.list': defineMethod({
    summary: 'Every render agent token: name, created, revoked, expires (never the token).',
    input: NoInput,
    output: AgentTokenListOutput,
  }),
  'farm.agentTokens.revoke': defineMethod({
    summary: "Revoke a render agent's token: its next request is refused.",
    input: AgentTokenRevokeInput,
    output: AgentTokenSchema,
  }),
  'farm.agents.drain': defineMethod({
    summary: 'Ask a render agent (by id or name) to finish what it holds, take nothing new and stop.',
    input: AgentDrainInput,
    output: AgentDrainOutput,
  }),
  'cad.uploadBegin': defineMethod({
    summary: 'Start uploading a CAD file (sent in chunks of at most 512 KiB); answers the upload id.',
    input: CadUploadBeginInput,
    output: z.object({ uploadId: z.string(), chunkBytes: z.number().int() }),
  }),
  'cad.uploadChunk': defineMethod({
    summary: 'One chunk of an upload, base64, at its byte offset; answers the bytes received so far.',
    input: CadUploadChunkInput,
    output: z.object({ received: z.number().int(), bytes: z.number().int() }),
  }),
  'cad.uploadFinish': defineMethod({
    summary: 'Finish an upload: the file is stored (deduplicated by content) and ingested in the background.',
    input: CadUploadFinishInput,
    output: CadImportOutput,
  }),
  'cad.list': defineMethod({
    summary: 'The CAD library, newest first, a page at a time; filters: status, format; search: name or id.',
    input: CadListInput,
    output: pageOf(CadFileSchema),
  }),
  'cad.summary': defineMethod({
    summary: 'How many CAD files the library holds, per status.',
    input: NoInput,
    output: CadSummarySchema,
  }),
  'cad.get': defineMethod({
    summary: 'One CAD file of the library.',
    input: CadIdInput,
    output: CadFileSchema,
  }),
  'cad.thumbnail': defineMethod({
    summary: "A CAD file's thumbnail as a data: URL, or null when it has none.",
    input: CadIdInput,
    output: z.object({ dataUrl: z.string().nullable() }),
  }),
  'cad.delete': defineMethod({
    summary: 'Delete a CAD file and its stored files; refused (naming them) while order lines use it, or while it is ingesting.',
    input: CadIdInput,
    output: CadDeleteOutput,
  }),
  'cad.retry': defineMethod({
    summary: "Ingest a failed CAD file again from the library's copy of its original; progress comes as cad.changed events.",
    input: CadIdInput,
    output: CadImportOutput,
  }),
  'outputTypes.list': defineMethod({
    summary: 'Every output type: legacy render presets and invocation profiles, with mode and artifact.',
    input: NoInput,
    output: z.object({ outputTypes: z.array(OutputTypeSummarySchema) }),
  }),
  'orders.create': defineMethod({
    summary: 'Create an order: one line per CAD file × output type (× copies), all queued.',
    input: OrdersCreateInput,
    output: OrderSchema,
  }),
  'orders.list': defineMethod({
    summary: 'Orders newest first, a page at a time, each with its lines counted by status (orders.lines reads them); archived orders only with includeArchived; search: name, id.',
    input: OrdersListInput,
    output: pageOf(OrderSummarySchema),
  }),
  'orders.lines': defineMethod({
    summary: 'Order lines a page at a time: of one order in line order, or of every order newest first; filters: status, CAD file, output type; search: id, CAD file name, output type.',
    input: OrdersLinesInput,
    output: pageOf(OrderLineSchema),
  }),
  'orders.summary': defineMethod({
    summary: 'How many orders, and their lines per status (archived orders only with includeArchived).',
    input: OrdersSummaryInput,
    output: OrdersSummarySchema,
  }),
  'orders.line': defineMethod({
    summary: 'One order line with its runs (node by node), media assets, notifications and render logs.',
    input: z.object({ id: z.string().min(1).max(100) }).strict(),
    output: OrderLineDetailSchema,
  }),
  'orders.dispatch': defineMethod({
    summary: 'Dispatch an order line in the background (idempotent per attempt); progress comes as orders.progress events.',
    input: DispatchInput,
    output: DispatchStarted,
  }),
  'orders.cancel': defineMethod({
    summary:
      'Cancel an order line: a rendering line\'s dispatch stops at once (Blender processes end; it may be dispatched again); a line waiting for dispatch is cancelled for good and never dispatched.',
    input: OrderLineIdInput,
    output: OrdersCancelOutput,
  }),
  'orders.archive': defineMethod({
    summary: 'Archive an order: hidden from orders.list by default, its lines are not dispatched; the time is kept.',
    input: OrderIdInput,
    output: OrderSchema,
  }),
  'orders.unarchive': defineMethod({
    summary: 'Bring an archived order back: listed again, its lines can be dispatched.',
    input: OrderIdInput,
    output: OrderSchema,
  }),
  'assets.list': defineMethod({
    summary: 'Published media assets, newest first, a page at a time; filters: order line, run, kind; search: file, format.',
    input: AssetsListInput,
    output: pageOf(MediaAssetSchema),
  }),
  'assets.preview': defineMethod({
    summary: 'A media asset as a data: URL the UI can show (images and small videos).',
    input: AssetPreviewInput,
    output: AssetPreviewOutput,
  }),
  'notifications.list': defineMethod({
    summary: 'The notification outbox, newest first, a page at a time, with each record\'s delivery state; filters: order line, state, channel; search: event, target.',
    input: NotificationsListInput,
    output: pageOf(NotificationSchema),
  }),
  'runs.comparison': defineMethod({
    summary: 'The shadow comparison a run took part in (as the legacy or the shadow side), or null.',
    input: z.object({ runId: z.string().min(1).max(100) }).strict(),
    output: ComparisonSchema.nullable(),
  }),
  'workflows.plan': defineMethod({
    summary: 'Dry run: validation, the order nodes run in, resolved settings, which reuse a stored output, renders to queue.',
    input: z.object({ document: z.unknown() }).extend(WorkflowRunTargetSchema.shape).strict(),
    output: WorkflowPlanSchema,
  }),
  'workflows.run': defineMethod({
    summary: "Run a saved workflow (a revision, else the current one) on a CAD file or an order line, with an output type's parameter values (on a line, its own by default) and a draft, as an observer: it publishes and notifies nothing and leaves the line as it is.",
    input: z.object({ workflowId: IdSchema, revision: z.number().int().min(1).optional() }).extend(WorkflowRunTargetSchema.shape).strict(),
    output: z.object({ runId: z.string(), outputTypeKey: z.string().nullable() }),
  }),
  'runs.list': defineMethod({
    summary: 'Runs, newest first, a page at a time, filtered by workflow, mode, role, status, CAD file, order line and dates; search: id, workflow, pipeline, CAD file name; each with its CAD file by name.',
    input: RunsListInput,
    output: pageOf(RunListItemSchema),
  }),
  'runs.get': defineMethod({
    summary: 'One run with every node: status, timings, settings, outputs, log; its CAD file by name.',
    input: z.object({ runId: z.string().min(1).max(100) }).strict(),
    output: RunDetailSchema,
  }),
  'runs.cancel': defineMethod({
    summary: 'Cancel a running run started in this backend; its Blender jobs end at once.',
    input: z.object({ runId: z.string().min(1).max(100) }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  }),
  'runs.rerun': defineMethod({
    summary: 'Run a finished run again from a chosen node: that node and everything after it run, upstream outputs are reused.',
    input: z.object({ runId: z.string().min(1).max(100), fromNode: IdSchema }).strict(),
    output: z.object({ runId: z.string() }),
  }),
  'runs.file': defineMethod({
    summary: "A file a run's node produced, as a data: URL (images, videos) or its facts (blend: download by path).",
    input: z.object({ runId: z.string().min(1).max(100), nodeId: IdSchema, port: z.string().max(64).optional(), index: z.number().int().min(0).optional() }).strict(),
    output: z.object({ name: z.string(), mime: z.string(), bytes: z.number().int(), dataUrl: z.string().nullable(), reason: z.string().optional() }),
  }),
  'outputTypes.defaults': defineMethod({
    summary: "A workflow's exposed parameters with the backend's defaults and constraints, and the artifact contract it gives.",
    input: z.object({ workflowId: IdSchema, revision: z.number().int().min(1).optional(), parameterValues: z.record(z.string(), z.unknown()).optional() }).strict(),
    output: ProfileDefaultsSchema,
  }),
  'outputTypes.validate': defineMethod({
    summary: 'Check an output type draft against its workflow (family, deliverable, parameters, contract); answers the filled profile.',
    input: OutputTypeDraftSchema,
    output: z.object({ valid: z.boolean(), problems: z.array(OutputTypeProblemSchema), outputType: OutputTypeSchema }),
  }),
  'outputTypes.create': defineMethod({
    summary: 'Create an output type from a workflow: a name and a workflow are enough, the backend fills every default.',
    input: OutputTypeDraftSchema,
    output: OutputTypeSchema,
  }),
  'outputTypes.update': defineMethod({
    summary: 'Edit an output type the same way (checked against its workflow before it is stored).',
    input: OutputTypeDraftSchema.extend({ key: z.string().min(1).max(100) }),
    output: OutputTypeSchema,
  }),
  'outputTypes.get': defineMethod({
    summary: 'One output type: its legacy render preset (if any) and its invocation profile (if any), before and after migration.',
    input: z.object({ key: z.string().min(1).max(100) }).strict(),
    output: z.object({ key: z.string(), name: z.string(), artifact: OutputArtifactKindSchema, executionMode: z.string(), legacy: RenderPresetView.nullable(), profile: OutputTypeSchema.nullable() }),
  }),
  'comparisons.list': defineMethod({
    summary: 'Shadow comparisons, newest first, a page at a time; filters: output type, verdict, review, dates; search: output type, workflow, id.',
    input: ComparisonsListInput,
    output: pageOf(ComparisonSummarySchema),
  }),
  'comparisons.summary': defineMethod({
    summary: 'The latest verdict per output type, how many comparisons and review groups wait for review, how many were reviewed (counted, not listed).',
    input: NoInput,
    output: ComparisonsSummarySchema.extend({
      /** Review groups awaiting a lead's decision (issue 22): what the badge counts. */
      pendingGroups: z.number().int(),
    }),
  }),
  'comparisons.get': defineMethod({
    summary: 'One shadow comparison with its full report and its latest review.',
    input: z.object({ id: z.string().min(1).max(100) }).strict(),
    output: ComparisonSchema,
  }),
  'comparisons.heatmap': defineMethod({
    summary: "The diff heatmap of one artifact of a comparison (frames: the worst frame's), as a data: URL.",
    input: z.object({ id: z.string().min(1).max(100), artifact: z.number().int().min(0).max(10_000) }).strict(),
    output: z.object({ dataUrl: z.string().nullable(), reason: z.string().optional() }),
  }),
  'comparisons.review': defineMethod({
    summary: 'Approve or reject a comparison with a note; who and when are stored, and the rollout rule checks the approval.',
    input: ReviewInput,
    output: ComparisonSchema,
  }),
  'review.groups': defineMethod({
    summary: 'Comparisons grouped by output type and workflow content, a page of groups at a time: counts by verdict, CAD files covered, the pending set, the first differences and the contact sheet; groups awaiting a decision first.',
    input: ReviewGroupsInput,
    output: ReviewGroupsOutput,
  }),
  'review.members': defineMethod({
    summary: "A page of one review group's comparisons (or only its differences), pending first, then fail, warn, pass and the worst pixel delta.",
    input: ReviewMembersInput,
    output: ReviewMembersOutput,
  }),
  'review.decide': defineMethod({
    summary: "Approve or reject a review group's pending set with a note; refused while a pending warn or fail was neither opened nor excused. Later comparisons start a new pending set.",
    input: ReviewDecideInput,
    output: ReviewDecideOutput,
  }),
  'review.open': defineMethod({
    summary: 'Record that a person opened a comparison (the viewer calls it on showing one): an opened warn or fail no longer blocks its group.',
    input: ReviewOpenInput,
    output: ReviewMemberOutput,
  }),
  'review.excuse': defineMethod({
    summary: 'Excuse a warn or fail comparison with a reason, so its group can be approved without opening it.',
    input: ReviewExcuseInput,
    output: ReviewMemberOutput,
  }),
  'review.thumbnails': defineMethod({
    summary: "Contact sheet cells of up to 60 comparisons in one call: legacy and shadow thumbnails of each one's shown artifact and the box around their differing pixels.",
    input: ReviewThumbnailsInput,
    output: ReviewThumbnailsOutput,
  }),
  'rollout.status': defineMethod({
    summary: 'Per output type and workflow: mode, latest shadow verdict, graph and legacy error rates; and the newest 50 mode changes (rollout.log pages through all).',
    input: NoInput,
    output: RolloutStatusSchema,
  }),
  'rollout.log': defineMethod({
    summary: 'The log of mode changes, newest first, a page at a time; filter: targets (output types, workflows) or targetKind; search: target, reason, who.',
    input: RolloutLogInput,
    output: pageOf(ModeChangeSchema),
  }),
  'rollout.set': defineMethod({
    summary: 'Set the mode of an output type or a workflow; graph needs an approved pass, a graph error rate at or below legacy\'s and enough shadow coverage, or an override with a reason naming what it overrides.',
    input: RolloutSetInput,
    output: ModeChangeSchema,
  }),
  'rollout.tryRevision': defineMethod({
    summary: "Try a workflow revision in shadow on an output type: its profile pins that revision (of its workflow, or a compatible order_line one), its mode becomes shadow, and the mode log records it; approval and graph then apply to that revision.",
    input: RolloutTryRevisionInput,
    output: z.object({ change: ModeChangeSchema, outputType: OutputTypeRolloutSchema }),
  }),
  'rollout.setRules': defineMethod({
    summary: "Set the rollout gate's rules for the studio (target \"studio\") or one output type: the error-rate window, the shadow coverage graph needs (passes, CAD files) and the guard's margin; null inherits.",
    input: RolloutSetRulesInput,
    output: z.object({ studio: RolloutRulesSchema, outputType: OutputTypeRolloutSchema.nullable() }),
  }),
  'sync.pull': defineMethod({
    summary: "The hub's workflow revisions after a cursor (its append-only log, parents first) and its current revision of every workflow.",
    input: SyncPullInput,
    output: SyncPullOutput,
  }),
  'sync.push': defineMethod({
    summary: "Give the hub revisions made elsewhere: each checked (id, content hash, parents, validation); a workflow whose line leaves out the hub's current revision is refused as behind.",
    input: SyncPushInput,
    output: SyncPushOutput,
  }),
  'sync.run': defineMethod({
    summary: "Sync this workstation with a hub as one person: pull, merge where both changed (conflicts wait for a choice), push; a hub that cannot be reached loses nothing and says how many changes wait.",
    input: SyncRunInput,
    output: SyncRunOutput,
  }),
  'sync.status': defineMethod({
    summary: 'This workstation against its hub: the hub, the last sync, revisions waiting to be pushed, open conflicts.',
    input: NoInput,
    output: SyncStatusSchema,
  }),
  'sync.conflicts': defineMethod({
    summary: 'Open merge conflicts from syncing, each with its workflow, node, setting, base/mine/theirs and the choice made so far.',
    input: NoInput,
    output: z.object({ conflicts: z.array(SyncConflictSchema) }),
  }),
  'sync.resolve': defineMethod({
    summary: "Choose mine or theirs for one conflict; once a workflow's conflicts all have a choice, the merge is validated and saved, and pushed at the next sync.",
    input: SyncResolveInput,
    output: SyncResolveOutput,
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
