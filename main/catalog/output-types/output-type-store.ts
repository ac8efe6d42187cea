import type Database from 'better-sqlite3';
import { OutputTypeSchema, type OutputType } from '../../../shared/output-types/profile';
import type { ExecutionMode } from '../../../shared/workflow/document';
import { modeLog, type ModeChange, type ModeLogPageQuery } from './mode-log';

export type { ModeChange } from './mode-log';

/**
 * One output type as stored. Its own execution mode is kept in one place, the execution_mode
 * column; the profile JSON on disk never carries it, and `outputType.profile.executionMode` is
 * that column, so every reader sees the same mode.
 */
export interface StoredOutputType {
  key: string;
  name: string;
  artifact: 'still' | 'turntable' | 'blend';
  /** Its own mode; null when it has none (its workflow's decides, see modeOf). */
  mode: ExecutionMode | null;
  /** The legacy preset's text exactly as imported; null for one made from a workflow. */
  legacyText: string | null;
  sourceFile: string | null;
  /** The invocation profile, null until migrated (or made from a workflow), with `mode` as profile.executionMode. */
  outputType: OutputType | null;
}

/** Why a mode changed, for the log (from and to are the store's). */
export interface ModeNote {
  reason: string | null;
  who: string;
  override?: boolean;
  comparisonId?: string | null;
}

/** A legacy render preset's row: its text as imported, and the file it came from. */
export interface PresetRow {
  key: string;
  name: string;
  artifact: string;
  text: string;
  file: string | null;
}

/**
 * The mode a dispatch runs when it asks for none (DESIGN.md): the output type's own, else its
 * bound workflow's as rolled out now, else legacy; one made from a workflow has no legacy form,
 * so graph. The one way a mode is read.
 */
export function modeOf(own: ExecutionMode | null | undefined, workflowMode: ExecutionMode | null | undefined, hasLegacyForm: boolean): ExecutionMode {
  return own ?? workflowMode ?? (hasLegacyForm ? 'legacy' : 'graph');
}

type Row = { key: string; name: string; artifact: string; execution_mode: ExecutionMode | null; legacy_json: string | null; profile_json: string | null; source_file: string | null };

const COLUMNS = 'key, name, artifact, execution_mode, legacy_json, profile_json, source_file';

/** The profile as it goes to disk: without the mode, which has its own column. */
function split(outputType: OutputType): { json: string; mode: ExecutionMode | null } {
  const { executionMode, ...profile } = outputType.profile;
  return { json: JSON.stringify({ ...outputType, profile }), mode: executionMode ?? null };
}

/**
 * The output_types table and the mode_changes log: the only module that runs SQL on them. Legacy
 * import and migration, the output-type service, rollout and dispatch all read and write here.
 */
export function createOutputTypeStore(db: Database.Database) {
  const log = modeLog(db);
  const q = {
    all: db.prepare<[], Row>(`SELECT ${COLUMNS} FROM output_types ORDER BY key`),
    get: db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM output_types WHERE key = ?`),
    insertPreset: db.prepare(
      `INSERT INTO output_types (key, name, artifact, execution_mode, legacy_json, profile_json, source_file, created_at, updated_at)
       VALUES (@key, @name, @artifact, NULL, @text, NULL, @file, @at, @at)`,
    ),
    // A changed preset makes its profile stale: it goes, and the mode with it, until the next migration.
    replacePreset: db.prepare(
      'UPDATE output_types SET name = @name, artifact = @artifact, legacy_json = @text, profile_json = NULL, execution_mode = NULL, source_file = @file, updated_at = @at WHERE key = @key',
    ),
    insertProfile: db.prepare(
      `INSERT INTO output_types (key, name, artifact, execution_mode, legacy_json, profile_json, source_file, created_at, updated_at)
       VALUES (@key, @name, @artifact, @mode, NULL, @json, NULL, @at, @at)`,
    ),
    updateProfile: db.prepare('UPDATE output_types SET name = @name, artifact = @artifact, execution_mode = @mode, profile_json = @json, updated_at = @at WHERE key = @key'),
    attachProfile: db.prepare('UPDATE output_types SET profile_json = @json, execution_mode = @mode, updated_at = @at WHERE key = @key'),
    setMode: db.prepare('UPDATE output_types SET execution_mode = @mode, updated_at = @at WHERE key = @key'),
    putSynced: db.prepare(
      `INSERT INTO output_types (key, name, artifact, execution_mode, legacy_json, profile_json, source_file, created_at, updated_at)
       VALUES (@key, @name, @artifact, @mode, @text, @json, @file, @at, @at)
       ON CONFLICT (key) DO UPDATE SET name = excluded.name, artifact = excluded.artifact, execution_mode = excluded.execution_mode,
         legacy_json = excluded.legacy_json, profile_json = excluded.profile_json, source_file = excluded.source_file, updated_at = excluded.updated_at`,
    ),
  };

  const toStored = (row: Row): StoredOutputType => {
    let outputType: OutputType | null = null;
    if (row.profile_json !== null) {
      const doc = JSON.parse(row.profile_json) as { profile: Record<string, unknown> };
      // The column is the mode: a mode in the JSON (none since schema 8) is never what is read.
      delete doc.profile.executionMode;
      if (row.execution_mode) doc.profile.executionMode = row.execution_mode;
      outputType = OutputTypeSchema.parse(doc);
    }
    return {
      key: row.key,
      name: row.name,
      artifact: row.artifact as StoredOutputType['artifact'],
      mode: row.execution_mode ?? null,
      legacyText: row.legacy_json,
      sourceFile: row.source_file,
      outputType,
    };
  };

  const now = () => new Date().toISOString();
  const modeNow = (key: string): ExecutionMode | null => q.get.get(key)?.execution_mode ?? null;
  const append = (key: string, fromMode: ExecutionMode | null, toMode: ExecutionMode, note: ModeNote): ModeChange =>
    log.append({ targetKind: 'output_type', target: key, fromMode, toMode, reason: note.reason, override: note.override ?? false, comparisonId: note.comparisonId ?? null, who: note.who });

  return {
    list: (): StoredOutputType[] => q.all.all().map(toStored),
    get(key: string): StoredOutputType | undefined {
      const row = q.get.get(key);
      return row ? toStored(row) : undefined;
    },
    has: (key: string): boolean => q.get.get(key) !== undefined,

    /** A newly imported legacy preset: no profile, no mode of its own (it runs legacy). */
    insertPreset(row: PresetRow, at = now()): void {
      q.insertPreset.run({ ...row, at });
    },
    /**
     * A preset imported again with other content: its profile is stale and goes, with its mode.
     * With a note, the log says the mode went (to legacy: the preset is all that is left).
     */
    replacePreset(row: PresetRow, note?: ModeNote, at = now()): ModeChange | null {
      return db.transaction(() => {
        const before = modeNow(row.key);
        q.replacePreset.run({ ...row, at });
        return note ? append(row.key, before, 'legacy', note) : null;
      })();
    },
    /** An output type made from a workflow (no preset); its mode is its profile's executionMode. */
    insertProfile(outputType: OutputType, at = now()): void {
      q.insertProfile.run({ key: outputType.key, name: outputType.name, artifact: outputType.artifact, ...split(outputType), at });
    },
    /** An edited output type: name, artifact, profile, and the profile's executionMode as its mode (none: cleared). */
    updateProfile(key: string, outputType: OutputType, at = now()): void {
      q.updateProfile.run({ key, name: outputType.name, artifact: outputType.artifact, ...split(outputType), at });
    },
    /**
     * A preset's migrated profile (name and artifact stay the preset's); the profile's executionMode
     * becomes the mode. With a note, and a mode, the log records the change from the mode before.
     */
    attachProfile(key: string, outputType: OutputType, note?: ModeNote, at = now()): ModeChange | null {
      return db.transaction(() => {
        const before = modeNow(key);
        const stored = split(outputType);
        q.attachProfile.run({ key, ...stored, at });
        return note && stored.mode ? append(key, before, stored.mode, note) : null;
      })();
    },
    /** Rollout: the output type's own mode, logged with why (from is its own mode before, null when it had none). */
    setMode(key: string, mode: ExecutionMode, note: ModeNote, at = now()): ModeChange {
      return db.transaction(() => {
        const before = modeNow(key);
        q.setMode.run({ key, mode, at });
        return append(key, before, mode, note);
      })();
    },
    /**
     * Rollout: a workflow revision tried in shadow. The profile (pinning that revision) and the
     * shadow mode are written in one transaction with their log entry, whose reason names the revision.
     */
    pinInShadow(key: string, outputType: OutputType, note: ModeNote, at = now()): ModeChange {
      return db.transaction(() => {
        const before = modeNow(key);
        const { json } = split(outputType);
        q.attachProfile.run({ key, json, mode: 'shadow', at });
        return append(key, before, 'shadow', note);
      })();
    },
    /** Rollout of a workflow's mode is logged here too (the workflow store keeps the mode itself). */
    logWorkflowMode(workflowId: string, fromMode: ExecutionMode | null, toMode: ExecutionMode, note: ModeNote): ModeChange {
      return log.append({ targetKind: 'workflow', target: workflowId, fromMode, toMode, reason: note.reason, override: note.override ?? false, comparisonId: note.comparisonId ?? null, who: note.who });
    },
    /** The mode-change log, newest first. */
    modeChange: (id: string): ModeChange | undefined => log.get(id),
    modeChangeIds: (): string[] => log.ids(),
    modeChangeIdsAfter: (seq: number, limit: number) => log.idsAfter(seq, limit),
    /** When an output type or workflow was last switched to `mode` (null: never), read by index. */
    lastModeChangeTo: (mode: ExecutionMode, targets: [string, string]): string | null => log.lastChangeTo(mode, targets),
    /** The mode log a page at a time, newest first (the rollout page and rollout.log). */
    modeChangesPage: (query: ModeLogPageQuery) => log.page(query),
    latestModeChanges: (n: number): ModeChange[] => log.latest(n),
    hasModeChange: (id: string): boolean => log.has(id),
    /** A mode change logged on another machine (sync): the log only; the output type's state comes with its own record. */
    appendSyncedModeChange: (change: ModeChange): void => log.appendSynced(change),
    /**
     * An output type as another machine has it (sync): preset text, profile and mode replace this
     * one's in one statement. The log is not written: that machine's mode changes come as records.
     */
    putSynced(stored: Omit<StoredOutputType, 'mode'> & { mode: ExecutionMode | null }, at = now()): void {
      const profile = stored.outputType ? split(stored.outputType).json : null;
      q.putSynced.run({ key: stored.key, name: stored.name, artifact: stored.artifact, mode: stored.mode, text: stored.legacyText, json: profile, file: stored.sourceFile, at });
    },
  };
}

export type OutputTypeStore = ReturnType<typeof createOutputTypeStore>;
