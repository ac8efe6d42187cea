import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Settings } from '../../../../shared/settings/schema';
import { CadIngestError, ingestCad } from '../../../execution/cad/ingest';
import { createLocalFarm } from '../../../execution/farm/local-farm';
import type { RenderFarm } from '../../../execution/farm/types';
import { parseLegacyDocument } from '../../../catalog/legacy/parse';
import { fillPresetDefaults } from '../../../catalog/legacy/preset-schema';
import { findExecutable } from '../../../platform/tools/find-executable';
import { RenderError } from '../../../execution/render/errors';
import { FileNameError } from '../../../execution/render/filename';
import { renderPreset, type RenderOutput } from '../../../execution/render/preset';
import { SceneSettingsError } from '../../../execution/render/scene';
import { defaultSettings } from '../../../platform/settings/defaults';
import { JsonFileStore } from '../../../platform/settings/json-file-store';
import { createSettingsService, type StoredSettings } from '../../../platform/settings/settings-service';
import { dataDirHelp, dataDirOption, resolveCliDataDir } from '../data-dir-option';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, type Verb } from '../verb';

export interface FarmRequest {
  blenderPath: string;
  farm: Settings['farm'];
  /** The data directory: the farm keeps its live-pid registry and logs under <dataDir>/farm. */
  dataDir: string;
  env: NodeJS.ProcessEnv;
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
  });

function intFlag(value: string | boolean | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

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

export function createRenderVerb(deps: { createFarm?: FarmFactory } = {}): Verb {
  const createFarm = deps.createFarm ?? localFarm;
  return {
    name: 'render',
    summary: 'Render a CAD file with a legacy render preset (still, turntable video or .blend).',
    usage: 'lightbox render --cad FILE --preset PRESET.json --out DIR [--json] [--max-size PX] [--samples N] [--data-dir DIR]',
    optionHelp: [
      ['--cad FILE', 'the CAD file (STEP, STL, OBJ, glTF, GLB); ingested first'],
      ['--preset FILE', 'a legacy render preset (lightbox.legacy/render-preset@1)'],
      ['--out DIR', 'folder for the outputs (created if needed)'],
      ['--json', 'print {outputs: [...]} as JSON'],
      ['--max-size PX', "cap the image's longer side (aspect kept); for quick checks"],
      ['--samples N', "override the preset's renderer.samples"],
      dataDirHelp,
    ],
    options: { ...dataDirOption, cad: { type: 'string' }, preset: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' }, 'max-size': { type: 'string' }, samples: { type: 'string' } },
    async run(values, positionals, io) {
      if (positionals.length > 0) throw new UsageError(`unexpected ${positionals.join(' ')}`);
      const cad = stringFlag(values.cad, '--cad');
      const presetFile = stringFlag(values.preset, '--preset');
      const outDir = path.resolve(stringFlag(values.out, '--out'));
      const maxSize = intFlag(values['max-size'], '--max-size', 16, 8192);
      const samples = intFlag(values.samples, '--samples', 1, 4096);
      const json = values.json === true;
      const fail = (message: string, code = EXIT_FAILED): number => {
        if (json) io.stdout(`${JSON.stringify({ error: { message } }, null, 2)}\n`);
        io.stderr(`lightbox render: ${message}\n`);
        return code;
      };

      for (const [file, what] of [[cad, 'CAD file'], [presetFile, 'preset']] as const) {
        const why = await unreadable(file);
        if (why) return fail(`cannot read the ${what} ${file}: ${why}`, EXIT_USAGE);
      }
      const parsed = parseLegacyDocument(path.basename(presetFile), await fs.promises.readFile(presetFile, 'utf8'));
      if (!parsed.ok) return fail(parsed.errors.map((e) => e.message).join('\n'));
      if (parsed.kind !== 'render_preset') return fail(`${path.basename(presetFile)}: is a preset workflow, not a render preset`);
      const preset = fillPresetDefaults(parsed.document);

      const { dataDir, settings, problems } = loadSettings(values['data-dir'] as string | undefined, io.env);
      for (const p of problems) io.stderr(`lightbox render: warning: ${p}\n`);
      const blender = await findExecutable({ label: 'Blender', command: 'blender', setting: settings.blenderPath, envVar: 'BLENDER_PATH', env: io.env, settingName: 'Blender path' });
      if (!blender.found) return fail(`${blender.problem} ${blender.fix}`);
      let ffmpegPath: string | undefined;
      if (preset.artifact === 'turntable') {
        const ffmpeg = await findExecutable({ label: 'ffmpeg', command: 'ffmpeg', setting: settings.ffmpegPath, envVar: 'FFMPEG_PATH', env: io.env, settingName: 'ffmpeg path' });
        if (!ffmpeg.found) return fail(`${ffmpeg.problem} ${ffmpeg.fix}`);
        ffmpegPath = ffmpeg.path;
      }

      const work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'lightbox-render-'));
      let farm: RenderFarm | null = null;
      try {
        let glb: string;
        try {
          glb = (await ingestCad({ file: cad, outDir: work, thumbnail: false, env: io.env })).glbPath;
        } catch (error) {
          if (error instanceof CadIngestError) return fail(error.message, error.code === 'UNREADABLE' ? EXIT_USAGE : EXIT_FAILED);
          throw error;
        }
        farm = await createFarm({ blenderPath: blender.path, farm: settings.farm, dataDir, env: io.env });
        const runId = `cli-render-${process.pid}-${Date.now()}`;
        const activeFarm = farm;
        // Ctrl-C cancels the run's Blender jobs instead of waiting for them.
        void io.stopSignal.then(() => activeFarm.cancelRun(runId));
        const result = await renderPreset({
          farm,
          ffmpegPath,
          glb: path.resolve(glb),
          preset,
          outDir,
          names: { order: 'cli', line: '1', cad: path.basename(cad, path.extname(cad)) },
          maxSize,
          samples,
          runId,
        });
        for (const note of result.notes) io.stderr(`lightbox render: note: ${note}\n`);
        if (json) io.stdout(`${JSON.stringify({ outputs: result.outputs }, null, 2)}\n`);
        else io.stdout(formatOutputs(result.outputs));
        return EXIT_OK;
      } catch (error) {
        if (error instanceof RenderError || error instanceof FileNameError || error instanceof SceneSettingsError) return fail(error.message);
        // Farm failures (crash, timeout after retries) are render failures too, not usage errors.
        return fail(`render failed: ${(error as Error).message}`);
      } finally {
        await farm?.close();
        await fs.promises.rm(work, { recursive: true, force: true });
      }
    },
  };
}

function formatOutputs(outputs: RenderOutput[]): string {
  return `${outputs
    .map((o) => {
      const video = o.frames !== undefined ? `, ${o.frames} frames, ${o.durationSeconds?.toFixed(2)} s` : '';
      return `${o.kind.padEnd(9)} ${o.file} (${o.format}, ${o.width}×${o.height}${video})`;
    })
    .join('\n')}\n`;
}

export const renderVerb: Verb = createRenderVerb();

