import fs from 'node:fs';
import type { z } from 'zod';
import type { RendererSettings, ResolutionSettings } from '../../../shared/nodes/settings-parts';
import type { RenderFarm } from '../farm/types';
import type { BlendStructure } from '../../../workers/blender/job-spec';
import { jobId, RenderError, runJobOk } from './errors';
import { sha256File } from '../../platform/files/sha256-file';
import { expandFileName, insideDir, type FileNameValues } from './filename';
import type { JobScene } from './scene';

/** export_blend node settings after defaults (publish aside). */
export interface ExportBlendSettings {
  renderer: z.output<typeof RendererSettings>;
  resolution: z.output<typeof ResolutionSettings>;
  pack_resources: boolean;
  compress: boolean;
}

export interface ExportBlendInput {
  farm: RenderFarm;
  glb: string;
  scene: JobScene;
  settings: ExportBlendSettings;
  outDir: string;
  names: FileNameValues;
  /** The export_blend node has no filename setting: the legacy default template unless given. */
  fileNameTemplate?: string;
  runId?: string;
  timeoutMs: number;
  onLog?: (line: string) => void;
}

export interface ExportedBlend {
  file: string;
  sha256: string;
  bytes: number;
  packed: boolean;
  compressed: boolean;
  /** Render size stored in the file (resolution × percentage). */
  width: number;
  height: number;
  /** What a fresh Blender sees when it opens the file (inspect_blend). */
  structure: z.output<typeof BlendStructure>;
  durationMs: number;
}

/**
 * export_blend, then inspect_blend on the written file: proves it re-opens with the objects
 * the export reported (a .blend that does not load is no deliverable).
 */
export async function exportBlend(input: ExportBlendInput): Promise<ExportedBlend> {
  const { settings } = input;
  const file = insideDir(input.outDir, expandFileName(input.fileNameTemplate ?? '{order}_{line}_{preset}', input.names, '.blend', 1));
  await fs.promises.mkdir(input.outDir, { recursive: true });
  const started = Date.now();
  const id = jobId('blend');
  const exported = await runJobOk(
    input.farm,
    {
      kind: 'export_blend',
      id,
      glb: input.glb,
      ...input.scene,
      renderer: settings.renderer,
      resolution: settings.resolution,
      blend: { pack_resources: settings.pack_resources, compress: settings.compress },
      out: file,
    },
    { label: id, runId: input.runId, timeoutMs: input.timeoutMs, onLog: input.onLog },
  );
  if (!fs.existsSync(file)) throw new RenderError('missing_output', `export_blend reported success but ${file} was not written`);
  const inspectId = jobId('inspect');
  const inspected = await runJobOk(input.farm, { kind: 'inspect_blend', id: inspectId, blend: file }, { label: inspectId, runId: input.runId, timeoutMs: input.timeoutMs, onLog: input.onLog });
  const structure = {
    objects: inspected.objects as string[],
    meshes: inspected.meshes as string[],
    materials: inspected.materials as string[],
    cameras: inspected.cameras as string[],
    lights: inspected.lights as string[],
  };
  const expected = [...((exported.objects as string[] | undefined) ?? [])].sort();
  if (JSON.stringify([...structure.objects].sort()) !== JSON.stringify(expected)) {
    throw new RenderError('blend_mismatch', `${file} re-opens with objects [${structure.objects.join(', ')}], but the export had [${expected.join(', ')}]`);
  }
  return {
    file,
    sha256: await sha256File(file),
    bytes: (await fs.promises.stat(file)).size,
    packed: Boolean(exported.packed),
    compressed: Boolean(exported.compressed),
    width: Number(exported.width),
    height: Number(exported.height),
    structure,
    durationMs: Date.now() - started,
  };
}
