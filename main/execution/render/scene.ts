import type { z } from 'zod';
import { isMaterialKey, unknownMaterialMessage, type MaterialKey } from '../../../shared/materials/library';
import type { BackgroundSettings, CameraSettings, LightingSetting } from '../../../shared/nodes/settings-parts';
import { byPartRules, materialLibraryForJob, type JobMaterials } from '../../../workers/blender/job-spec';

/** prepare_scene node settings after defaults (main/nodes/prepare_scene/spec.ts). */
export interface PrepareSceneSettings {
  camera: z.output<typeof CameraSettings>;
  lighting: z.output<typeof LightingSetting>;
  background: z.output<typeof BackgroundSettings>;
}

/** apply_materials node settings after defaults; `by_part` key order is meaning (first match wins). */
export interface ApplyMaterialsSettings {
  default: string;
  by_part: Record<string, string>;
}

/** What prepare_scene hands on: the camera, lighting and background part of a job spec. */
export interface PreparedScene {
  camera: z.output<typeof CameraSettings>;
  lighting: z.output<typeof LightingSetting>;
  background: z.output<typeof BackgroundSettings>;
}

/** The scene part of a Blender job spec (everything but id, glb, render settings and outputs). */
export interface JobScene extends PreparedScene {
  /** Absent when no apply_materials ran: the CAD file's own materials are rendered. */
  materials?: z.output<typeof JobMaterials>;
}

export class SceneSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SceneSettingsError';
  }
}

/** prepare_scene: node settings to the job's camera, lighting and background. Pure. */
export function prepareScene(settings: PrepareSceneSettings): PreparedScene {
  const camera = { ...settings.camera };
  // Absent overrides must stay absent: the Blender side then takes them from `angle`.
  if (camera.azimuth_deg === undefined) delete camera.azimuth_deg;
  if (camera.elevation_deg === undefined) delete camera.elevation_deg;
  return { camera, lighting: settings.lighting, background: { ...settings.background } };
}

/**
 * apply_materials: adds the job's materials. Only the keys used are sent (the values travel in
 * the job, so Blender needs no copy of the library). An unknown key is refused by name.
 */
export function applyMaterials(scene: PreparedScene, settings: ApplyMaterialsSettings): Required<JobScene> {
  const rules = byPartRules(settings.by_part);
  const used = [settings.default, ...rules.map((r) => r.material)];
  for (const key of used) if (!isMaterialKey(key)) throw new SceneSettingsError(unknownMaterialMessage(key));
  const keys = [...new Set(used)] as MaterialKey[];
  return { ...scene, materials: { default: settings.default, by_part: rules, library: materialLibraryForJob(keys) } };
}
