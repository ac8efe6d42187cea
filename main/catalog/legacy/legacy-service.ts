import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { ApiFailure, type ApiError } from '../../../shared/contract/errors';
import type { LegacyError, LegacyImportOutput, LegacyMigrateInput, LegacyMigrateOutput } from '../../../shared/legacy/api';
import { OutputTypeSchema, type OutputType } from '../../../shared/output-types/profile';
import type { ExecutionMode, WorkflowDocument } from '../../../shared/workflow/document';
import type { NodeRegistry } from '../nodes/registry';
import type { WorkflowStore } from '../workflows/types';
import { DEFAULT_PIPELINE_BY_ARTIFACT } from './field-map';
import { migratePipeline, type SpecLookup } from './migrate-pipeline';
import { migratePreset } from './migrate-preset';
import { parseLegacyDocument, type LegacyKind } from './parse';
import type { PresetWorkflow } from './pipeline-schema';
import type { RenderPreset } from './preset-schema';
import { verifyPipeline, verifyPreset, type LegacyDifference } from './project';
import { shippedPipelines, type ShippedPipeline } from './shipped';
import { carryRollout } from '../output-types/carry-rollout';
import { createOutputTypeStore, type StoredOutputType } from '../output-types/output-type-store';

export type LegacyDocumentText = { fileName: string; text: string };
export type LegacyImportResult = z.infer<typeof LegacyImportOutput>;
export type LegacyMigrateRequest = z.input<typeof LegacyMigrateInput>;
export type LegacyMigrateResult = z.infer<typeof LegacyMigrateOutput>;

export interface LegacyPipelineRow {
  key: string;
  family: 'order_line' | 'cad_file';
  name: string;
  sourceFile: string | null;
  migratedWorkflowId: string | null;
}

export interface LegacyOutputTypeRow {
  key: string;
  name: string;
  artifact: 'still' | 'turntable' | 'blend';
  /** Its own mode, legacy when it has none (what the output-type list shows; a dispatch reads modeOf). */
  executionMode: ExecutionMode;
  sourceFile: string | null;
  /** The preset exactly as imported (parsed from the kept text). */
  legacy: RenderPreset | null;
  legacyText: string | null;
  /** Set once migrated; cleared when a re-import changes the preset. profile.executionMode is the stored mode. */
  outputType: OutputType | null;
}

export interface LegacyService {
  /** All or nothing: any invalid document refuses the whole batch (LegacyImportFailure), storing nothing. */
  import(documents: LegacyDocumentText[]): LegacyImportResult;
  migrate(input: LegacyMigrateRequest): LegacyMigrateResult;
  listPipelines(): LegacyPipelineRow[];
  listOutputTypes(): LegacyOutputTypeRow[];
  outputType(key: string): LegacyOutputTypeRow | undefined;
  /** A preset workflow by key: the imported one, else the one Lightbox ships. */
  pipeline(key: string): PresetWorkflow | undefined;
}

/** Refusal of an import, carrying every error (file, field, message) as ApiError issues. */
export class LegacyImportFailure extends ApiFailure {
  readonly errors: LegacyError[];
  constructor(errors: LegacyError[]) {
    const first = errors[0];
    super(
      'invalid_legacy_document',
      `nothing was imported: ${errors.length} problem${errors.length === 1 ? '' : 's'}:\n${errors.map((e) => `  ${e.message}`).join('\n')}`,
      first ? `${first.fileName}:${first.path}` : '',
    );
    this.errors = errors;
  }
  override toData(): ApiError {
    return { ...super.toData(), issues: this.errors.map((e) => ({ path: `${e.fileName}:${e.path}`, message: e.message })) };
  }
}

interface Planned {
  fileName: string;
  text: string;
  kind: LegacyKind;
  key: string;
  preset?: RenderPreset;
  pipeline?: PresetWorkflow;
}

/** Thrown inside the migrate transaction to roll back a lossy migration while still answering. */
class Rollback extends Error {
  constructor(readonly result: LegacyMigrateResult) {
    super('rollback');
  }
}

export const pipelineKeyOf = (preset: RenderPreset): string => preset.pipeline ?? DEFAULT_PIPELINE_BY_ARTIFACT[preset.artifact];

export function createLegacyService(
  db: Database.Database,
  workflows: WorkflowStore,
  registry: NodeRegistry,
  options: { shipped?: () => Map<string, ShippedPipeline>; now?: () => string } = {},
): LegacyService {
  const shipped = options.shipped ?? (() => shippedPipelines());
  const now = options.now ?? (() => new Date().toISOString());
  const specOf: SpecLookup = (type) => registry.current(type);

  // Output types are the store's: import and migration write their presets and profiles through it.
  const outputTypes = createOutputTypeStore(db);
  const q = {
    pipeline: db.prepare<[string], { document_json: string; family: string }>('SELECT document_json, family FROM legacy_pipelines WHERE key = ?'),
    pipelines: db.prepare<[], { key: string; family: string; document_json: string; source_file: string | null; migrated_workflow_id: string | null }>(
      'SELECT key, family, document_json, source_file, migrated_workflow_id FROM legacy_pipelines ORDER BY key',
    ),
    insertPipeline: db.prepare(
      'INSERT INTO legacy_pipelines (key, family, document_json, source_file, imported_at, updated_at) VALUES (@key, @family, @text, @file, @now, @now)',
    ),
    updatePipeline: db.prepare('UPDATE legacy_pipelines SET family = @family, document_json = @text, source_file = @file, updated_at = @now WHERE key = @key'),
    linkPipeline: db.prepare('UPDATE legacy_pipelines SET migrated_workflow_id = ? WHERE key = ?'),
  };

  /** Parses and cross-checks a batch; throws LegacyImportFailure with every error, touches nothing. */
  function plan(documents: LegacyDocumentText[]): Planned[] {
    const errors: LegacyError[] = [];
    const planned: Planned[] = [];
    for (const { fileName, text } of documents) {
      const parsed = parseLegacyDocument(fileName, text);
      if (!parsed.ok) {
        errors.push(...parsed.errors);
        continue;
      }
      const entry: Planned =
        parsed.kind === 'render_preset'
          ? { fileName, text, kind: parsed.kind, key: parsed.document.key, preset: parsed.document }
          : { fileName, text, kind: parsed.kind, key: parsed.document.key, pipeline: parsed.document };
      const twin = planned.find((p) => p.kind === entry.kind && p.key === entry.key);
      if (twin) {
        const what = entry.kind === 'render_preset' ? 'preset' : 'preset workflow';
        errors.push({ fileName, path: 'key', message: `${fileName}: key: ${what} "${entry.key}" is also in ${twin.fileName} of this import` });
        continue;
      }
      planned.push(entry);
    }
    const batchPipelines = new Map(planned.filter((p) => p.pipeline).map((p) => [p.key, p.pipeline as PresetWorkflow]));
    for (const p of planned) {
      if (!p.preset) continue;
      const key = pipelineKeyOf(p.preset);
      const family = batchPipelines.get(key)?.family ?? (q.pipeline.get(key)?.family as string | undefined) ?? shipped().get(key)?.document.family;
      const label = `${p.fileName} (preset "${p.key}"): pipeline`;
      if (!family) {
        errors.push({
          fileName: p.fileName,
          path: 'pipeline',
          message: `${label}: preset "${p.key}" names pipeline "${key}", which is neither in this import, nor imported before, nor shipped with Lightbox`,
        });
      } else if (family !== 'order_line') {
        errors.push({ fileName: p.fileName, path: 'pipeline', message: `${label}: pipeline "${key}" is a ${family} preset workflow; a render preset needs an order_line one` });
      }
      const existing = outputTypes.get(p.key);
      if (existing && existing.legacyText === null) {
        errors.push({ fileName: p.fileName, path: 'key', message: `${p.fileName}: key: output type "${p.key}" already exists and is not a legacy preset` });
      }
    }
    if (errors.length > 0) throw new LegacyImportFailure(errors);
    return planned;
  }

  function store(planned: Planned[]): LegacyImportResult {
    const at = now();
    const imported = planned.map((p) => {
      let status: 'created' | 'updated' | 'unchanged';
      if (p.pipeline) {
        const row = q.pipeline.get(p.key);
        const params = { key: p.key, family: p.pipeline.family, text: p.text, file: p.fileName, now: at };
        if (!row) {
          q.insertPipeline.run(params);
          status = 'created';
        } else if (row.document_json === p.text) status = 'unchanged';
        else {
          q.updatePipeline.run(params);
          status = 'updated';
        }
      } else {
        const preset = p.preset as RenderPreset;
        const row = outputTypes.get(p.key);
        const params = { key: p.key, name: preset.name, artifact: preset.artifact, text: p.text, file: p.fileName };
        if (!row) {
          outputTypes.insertPreset(params, at);
          status = 'created';
        } else if (row.legacyText === p.text) status = 'unchanged';
        else {
          // The stale profile goes, and with it a mode the studio chose: the log says so.
          const chosen = row.mode !== null && row.mode !== 'legacy';
          outputTypes.replacePreset(params, chosen ? { reason: 'the preset changed on import: its profile is stale until migrated again', who: 'legacy import' } : undefined, at);
          status = 'updated';
        }
      }
      return { fileName: p.fileName, kind: p.kind, key: p.key, status };
    });
    return { imported };
  }

  function readStored(): { presets: Map<string, RenderPreset>; pipelines: Map<string, PresetWorkflow> } {
    const pipelines = new Map<string, PresetWorkflow>();
    for (const row of q.pipelines.all()) {
      const parsed = parseLegacyDocument(row.source_file ?? row.key, row.document_json);
      if (parsed.ok && parsed.kind === 'preset_workflow') pipelines.set(row.key, parsed.document);
      else throw new ApiFailure('invalid_legacy_document', `stored preset workflow "${row.key}" no longer validates; import it again`, row.key);
    }
    const presets = new Map<string, RenderPreset>();
    for (const row of outputTypes.list()) {
      if (row.legacyText === null) continue;
      const parsed = parseLegacyDocument(row.sourceFile ?? row.key, row.legacyText);
      if (parsed.ok && parsed.kind === 'render_preset') presets.set(row.key, parsed.document);
      else throw new ApiFailure('invalid_legacy_document', `stored preset "${row.key}" no longer validates; import it again`, row.key);
    }
    return { presets, pipelines };
  }

  function existingWorkflow(id: string): WorkflowDocument | undefined {
    try {
      return workflows.get(id);
    } catch {
      return undefined;
    }
  }

  const sameContent = (a: WorkflowDocument, b: WorkflowDocument) => JSON.stringify({ ...a, revision: 0 }) === JSON.stringify({ ...b, revision: 0 });

  function migrateInside(input: LegacyMigrateRequest): LegacyMigrateResult {
    const dryRun = input.dryRun === true;
    const planned = input.documents && input.documents.length > 0 ? plan(input.documents) : [];
    if (!dryRun && planned.length > 0) store(planned);

    const { presets, pipelines } = readStored();
    // In a dry run nothing was stored, so the batch overlays what is.
    for (const p of planned) {
      if (p.preset) presets.set(p.key, p.preset);
      if (p.pipeline) pipelines.set(p.key, p.pipeline);
    }

    let selectedPresets: RenderPreset[];
    const selectedPipelines = new Set<string>();
    if (input.keys) {
      selectedPresets = [];
      for (const key of input.keys) {
        const preset = presets.get(key);
        const pipeline = pipelines.has(key) || shipped().has(key);
        if (!preset && !pipeline) throw new ApiFailure('not_found', `no legacy preset or preset workflow "${key}" is stored`, 'keys');
        if (preset) selectedPresets.push(preset);
        if (pipeline) selectedPipelines.add(key);
      }
    } else {
      selectedPresets = [...presets.values()];
      for (const key of pipelines.keys()) selectedPipelines.add(key);
    }
    for (const preset of selectedPresets) selectedPipelines.add(pipelineKeyOf(preset));

    const differences: LegacyDifference[] = [];
    const workflowsOut: LegacyMigrateResult['workflows'] = [];
    const byPipeline = new Map<string, WorkflowDocument>();
    for (const key of [...selectedPipelines].sort()) {
      const pipeline = pipelines.get(key) ?? shipped().get(key)?.document;
      if (!pipeline) throw new ApiFailure('not_found', `preset workflow "${key}" is neither imported nor shipped with Lightbox`, key);
      const migrated = migratePipeline(pipeline, specOf);
      const existing = existingWorkflow(migrated.id);
      let saved: WorkflowDocument;
      if (existing && sameContent(existing, migrated)) saved = existing;
      else {
        const candidate = { ...migrated, revision: existing?.revision ?? 0 };
        try {
          if (dryRun) {
            const check = workflows.validate(candidate, 'save');
            if (!check.valid) throw new ApiFailure('invalid_workflow', check.problems.find((p) => p.severity === 'error')?.message ?? 'invalid', '', check.problems);
            saved = { ...migrated, revision: candidate.revision + 1 };
          } else {
            saved = workflows.save(candidate, `migrated from legacy preset workflow "${key}"`).document;
            if (q.pipeline.get(key)) q.linkPipeline.run(saved.id, key);
          }
        } catch (error) {
          if (!(error instanceof ApiFailure)) throw error;
          throw new ApiFailure(error.code, `preset workflow "${key}" migrates to an invalid workflow ${migrated.id}: ${error.message}`, error.path, error.problems);
        }
      }
      byPipeline.set(key, saved);
      workflowsOut.push({ pipelineKey: key, workflowId: saved.id, revision: saved.revision });
      differences.push(...verifyPipeline(pipeline, saved));
    }

    const outputTypesOut: LegacyMigrateResult['outputTypes'] = [];
    for (const preset of selectedPresets.sort((a, b) => a.key.localeCompare(b.key))) {
      const pipelineKey = pipelineKeyOf(preset);
      const workflow = byPipeline.get(pipelineKey) as WorkflowDocument;
      const outputType = OutputTypeSchema.parse(migratePreset(preset, workflow));
      differences.push(...verifyPreset(preset, outputType, workflow));
      if (!dryRun) {
        const previous = outputTypes.get(preset.key)?.outputType?.profile;
        const { profile, demoted } = carryRollout(previous, outputType.profile);
        // Demoted graph → shadow: the store logs it, from the mode before.
        const note = demoted ? { reason: `re-migration bound ${workflow.id} revision ${workflow.revision}, which has no approved shadow pass yet`, who: 'legacy migration' } : undefined;
        outputTypes.attachProfile(preset.key, { ...outputType, profile }, note, now());
      }
      outputTypesOut.push({ key: preset.key, pipelineKey, workflowId: workflow.id, workflowRevision: workflow.revision });
    }
    const result = { workflows: workflowsOut, outputTypes: outputTypesOut, verified: differences.length === 0, differences };
    // A lossy migration is never stored: the caller sees every difference and the data stays as it was.
    if (!dryRun && differences.length > 0) throw new Rollback(result);
    return result;
  }

  const toRow = (row: StoredOutputType): LegacyOutputTypeRow => {
    const parsed = row.legacyText === null ? undefined : parseLegacyDocument(row.sourceFile ?? row.key, row.legacyText);
    return {
      key: row.key,
      name: row.name,
      artifact: row.artifact,
      executionMode: row.mode ?? 'legacy',
      sourceFile: row.sourceFile,
      legacy: parsed?.ok && parsed.kind === 'render_preset' ? parsed.document : null,
      legacyText: row.legacyText,
      outputType: row.outputType,
    };
  };

  return {
    import(documents) {
      const planned = plan(documents);
      return db.transaction(() => store(planned))();
    },
    migrate(input) {
      if (input.dryRun) return migrateInside(input);
      try {
        return db.transaction(() => migrateInside(input))();
      } catch (error) {
        if (error instanceof Rollback) return error.result;
        throw error;
      }
    },
    listPipelines() {
      return q.pipelines.all().map((row) => {
        const doc = JSON.parse(row.document_json) as { name?: string };
        return {
          key: row.key,
          family: row.family as LegacyPipelineRow['family'],
          name: doc.name ?? row.key,
          sourceFile: row.source_file,
          migratedWorkflowId: row.migrated_workflow_id,
        };
      });
    },
    listOutputTypes: () => outputTypes.list().map(toRow),
    outputType(key) {
      const row = outputTypes.get(key);
      return row ? toRow(row) : undefined;
    },
    pipeline(key) {
      const row = q.pipeline.get(key);
      if (row) {
        const parsed = parseLegacyDocument(key, row.document_json);
        if (parsed.ok && parsed.kind === 'preset_workflow') return parsed.document;
        throw new ApiFailure('invalid_legacy_document', `stored preset workflow "${key}" no longer validates; import it again`, key);
      }
      return shipped().get(key)?.document;
    },
  };
}

