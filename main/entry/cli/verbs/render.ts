import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Settings } from '../../../../shared/settings/schema';
import { createNodeRegistry } from '../../../catalog/nodes/registry';
import { parseLegacyDocument } from '../../../catalog/legacy/parse';
import type { PresetWorkflow } from '../../../catalog/legacy/pipeline-schema';
import { fillPresetDefaults, type RenderPreset } from '../../../catalog/legacy/preset-schema';
import { shippedPipelines } from '../../../catalog/legacy/shipped';
import { NODE_SPECS } from '../../../nodes/specs';
import { CAD_PIPELINE } from '../../../execution/cad-import/cad-ingest-runner';
import { runUnstored, type UnstoredOutput, type UnstoredRun } from '../../../execution/dispatch/unstored-dispatch';
import { NODE_RUNTIMES } from '../../../nodes/executors';
import { createLocalFarm } from '../../../execution/farm/local-farm';
import type { RenderFarm } from '../../../execution/farm/types';
import { resolveTools } from '../../../execution/tools/resolve-tools';
import { ApiFailure } from '../../../../shared/contract/errors';
import { defaultSettings } from '../../../platform/settings/defaults';
import { JsonFileStore } from '../../../platform/settings/json-file-store';
import { createSettingsService, type StoredSettings } from '../../../platform/settings/settings-service';
import { dataDirHelp, dataDirOption, resolveCliDataDir } from '../data-dir-option';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, type Verb } from '../verb';
import { draftFromFlags, draftHelp, draftOptions } from './production-common';

export interface FarmRequest {
  blenderPath: string;
  farm: Settings['farm'];
  /** The data directory: the farm keeps its live-pid registry and logs under <dataDir>/farm. */
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** Extra variables for Blender (Settings → blenderEnv). */
  blenderEnv?: Record<string, string>;
}

export type FarmFactory = (request: FarmRequest) => Promise<RenderFarm>;

/**
 * The app's local farm, sized by the data directory's settings. Each controller keeps its own
 * live-pid file there, so a CLI render never reaps the Blenders of an app using the same data
 * directory, and a killed CLI render's Blenders are cleaned up by the next start.
 */
const localFarm: FarmFactory = async (request) =>
  createLocalFarm({
    blenderPath: request.blenderPath,
    dataDir: request.dataDir,
    concurrency: request.farm.concurrency,
    threadsPerBlender: request.farm.threadsPerBlender,
    mode: request.farm.mode,
    env: request.env,
    blenderEnv: request.blenderEnv,
  });

function stringFlag(value: string | boolean | undefined, flag: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`${flag} is required`);
  return value;
}

/** Why a path cannot be read as a file, or null. */
async function unreadable(file: string): Promise<string | null> {
  try {
    const stat = await fs.promises.stat(file);
    if (stat.isDirectory()) return 'it is a directory';
    if (!stat.isFile()) return 'not a regular file';
    await fs.promises.access(file, fs.constants.R_OK);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
}

/** Settings (Blender, ffmpeg, farm) of the data directory; missing file = machine defaults. */
function loadSettings(dataDirFlag: string | undefined, env: NodeJS.ProcessEnv): { dataDir: string; settings: Settings; problems: string[] } {
  const dir = resolveCliDataDir(dataDirFlag, env).path;
  const service = createSettingsService(new JsonFileStore<StoredSettings>({ cwd: dir, name: 'settings' }), defaultSettings());
  return { dataDir: dir, settings: service.get(), problems: service.problems() };
}

/**
 * The preset workflow a preset names: a `--pipeline` file, else a `pipeline.<key>.json` (or
 * `<key>.json`) beside the preset, else one Lightbox ships. Refusals name the file and the field.
 */
async function findPipeline(key: string, presetFile: string, given: string[]): Promise<PresetWorkflow | string> {
  const parse = async (file: string): Promise<PresetWorkflow | string> => {
    const parsed = parseLegacyDocument(path.basename(file), await fs.promises.readFile(file, 'utf8'));
    if (!parsed.ok) return parsed.errors.map((e) => e.message).join('\n');
    if (parsed.kind !== 'preset_workflow') return `${path.basename(file)}: is a render preset, not a preset workflow`;
    return parsed.document;
  };
  for (const file of given) {
    const found = await parse(file);
    if (typeof found === 'string' || found.key === key) return found;
  }
  for (const name of [`pipeline.${key}.json`, `${key}.json`]) {
    const beside = path.join(path.dirname(presetFile), name);
    if (beside !== presetFile && fs.existsSync(beside)) {
      const found = await parse(beside);
      if (typeof found === 'string' || found.key === key) return found;
    }
  }
  const shipped = shippedPipelines().get(key)?.document;
  if (shipped) return shipped;
  return `${path.basename(presetFile)}: pipeline: '${key}' is neither shipped nor given; pass its preset workflow with --pipeline FILE (or put pipeline.${key}.json beside the preset)`;
}

export function createRenderVerb(deps: { createFarm?: FarmFactory } = {}): Verb {
  const createFarm = deps.createFarm ?? localFarm;
  return {
    name: 'render',
    summary: 'Render a CAD file with a legacy render preset, as a dispatch that stores nothing (still, turntable video or .blend).',
    usage: 'lightbox render --cad FILE --preset PRESET.json --out DIR [--pipeline FILE] [--json] [--max-size PX] [--samples N] [--data-dir DIR]',
    optionHelp: [
      ['--cad FILE', 'the CAD file (STEP, STL, OBJ, glTF, GLB); ingested as a CAD import would'],
      ['--preset FILE', 'a legacy render preset (lightbox.legacy/render-preset@1)'],
      ['--pipeline FILE', "the preset workflow it names, when Lightbox does not ship it (default: pipeline.<key>.json beside the preset)"],
      ['--out DIR', 'folder for what the dispatch would publish (created if needed)'],
      ['--json', 'print {outputs, notifications, renderLogs, nodes} as JSON'],
      ...draftHelp,
      dataDirHelp,
    ],
    options: { ...dataDirOption, cad: { type: 'string' }, preset: { type: 'string' }, pipeline: { type: 'string', multiple: true }, out: { type: 'string' }, json: { type: 'boolean' }, ...draftOptions },
    async run(values, positionals, io) {
      if (positionals.length > 0) throw new UsageError(`unexpected ${positionals.join(' ')}`);
      const cad = stringFlag(values.cad, '--cad');
      const presetFile = stringFlag(values.preset, '--preset');
      const outDir = path.resolve(stringFlag(values.out, '--out'));
      const draft = draftFromFlags(values);
      const pipelineFiles = ((values as Record<string, unknown>).pipeline as string[] | undefined) ?? [];
      const json = values.json === true;
      const fail = (message: string, code = EXIT_FAILED): number => {
        if (json) io.stdout(`${JSON.stringify({ error: { message } }, null, 2)}\n`);
        io.stderr(`lightbox render: ${message}\n`);
        return code;
      };

      for (const [file, what] of [[cad, 'CAD file'], [presetFile, 'preset'], ...pipelineFiles.map((f) => [f, 'preset workflow'] as const)] as const) {
        const why = await unreadable(file);
        if (why) return fail(`cannot read the ${what} ${file}: ${why}`, EXIT_USAGE);
      }
      const parsed = parseLegacyDocument(path.basename(presetFile), await fs.promises.readFile(presetFile, 'utf8'));
      if (!parsed.ok) return fail(parsed.errors.map((e) => e.message).join('\n'));
      if (parsed.kind !== 'render_preset') return fail(`${path.basename(presetFile)}: is a preset workflow, not a render preset`);
      const preset: RenderPreset = fillPresetDefaults(parsed.document);
      const pipeline = await findPipeline(String(preset.pipeline), presetFile, pipelineFiles);
      if (typeof pipeline === 'string') return fail(pipeline);
      if (pipeline.family !== 'order_line') return fail(`${path.basename(presetFile)}: pipeline: '${pipeline.key}' is a ${pipeline.family} workflow; a render preset needs an order_line one`);
      const cadPipeline = shippedPipelines().get(CAD_PIPELINE)?.document as PresetWorkflow;

      const { dataDir, settings, problems } = loadSettings(values['data-dir'] as string | undefined, io.env);
      for (const p of problems) io.stderr(`lightbox render: warning: ${p}\n`);
      let tools;
      try {
        tools = await resolveTools(settings, io.env);
      } catch (error) {
        return fail(error instanceof ApiFailure ? error.message : String(error));
      }
      if (preset.artifact === 'turntable' && !tools.ffmpegPath) return fail('ffmpeg was not found: a turntable needs it to encode its video. Install ffmpeg, or set FFMPEG_PATH or the ffmpeg path in Settings.');

      const work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'lightbox-render-'));
      let farm: RenderFarm | null = null;
      const controller = new AbortController();
      // Ctrl-C cancels the run (and its Blender jobs) instead of waiting for them.
      void io.stopSignal.then(() => controller.abort());
      try {
        farm = await createFarm({ blenderPath: tools.blenderPath, farm: settings.farm, blenderEnv: settings.blenderEnv, dataDir, env: io.env });
        const run = await runUnstored({
          cadFile: cad,
          preset,
          pipeline,
          cadPipeline,
          outDir,
          workDir: work,
          draft,
          registry: createNodeRegistry(NODE_SPECS, NODE_RUNTIMES),
          farm,
          tools,
          signal: controller.signal,
        });
        if (run.status !== 'succeeded') return fail(`${run.failedNode ? `${run.failedNode}: ` : ''}${run.error ?? run.status}`);
        if (json) io.stdout(`${JSON.stringify({ outputs: run.outputs, notifications: run.notifications, renderLogs: run.renderLogs, nodes: run.nodes.map(({ log: _log, ...n }) => n) }, null, 2)}\n`);
        else io.stdout(formatRun(run));
        return EXIT_OK;
      } catch (error) {
        // Farm failures (crash, timeout after retries) are render failures too, not usage errors.
        return fail(`render failed: ${(error as Error).message}`);
      } finally {
        await farm?.close();
        await fs.promises.rm(work, { recursive: true, force: true });
      }
    },
  };
}

function formatRun(run: UnstoredRun): string {
  const outputs = run.outputs.map((o: UnstoredOutput) => {
    const video = o.frames !== undefined ? `, ${o.frames} frames, ${o.durationSeconds?.toFixed(2)} s` : '';
    return `${o.kind.padEnd(9)} ${o.file} (${o.format}, ${o.width ?? '?'}×${o.height ?? '?'}${video})`;
  });
  const sent = run.notifications.map((n) => `would notify ${n.event} by ${n.channels.join(' + ')}${n.webhookUrl ? ` (${n.webhookUrl})` : ''} (not sent)`);
  return `${[...outputs, ...sent].join('\n')}\n`;
}

export const renderVerb: Verb = createRenderVerb();
