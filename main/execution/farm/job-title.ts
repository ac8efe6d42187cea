import path from 'node:path';
import type { BlenderJob } from '../../../workers/blender/job-spec';

/**
 * A farm task in words for the farm page ("Still 512×512, 32 samples (Cycles) → front.png"):
 * what Blender is asked to do, not the job id, which only a log reader needs.
 */
export function describeJob(job: BlenderJob): string {
  switch (job.kind) {
    case 'render_still':
      return `Still ${size(job)}, ${samples(job)} → ${path.basename(job.out)}`;
    case 'render_frames': {
      const [start, end] = job.frame_range;
      const frames = start === end ? `frame ${start}` : `frames ${start}–${end}`;
      return `Turntable ${frames} of ${job.turntable.frames}, ${size(job)}, ${samples(job)}`;
    }
    case 'export_blend':
      return `Blender scene export → ${path.basename(job.out)}`;
    case 'inspect_blend':
      return `Check of the exported scene ${path.basename(job.blend)}`;
    case 'cad_thumbnail':
      return `CAD thumbnail ${job.size}×${job.size}`;
    case 'mesh_import':
      return `Mesh import ${path.basename(job.input)} → GLB`;
    case 'ping':
      return 'Blender version check';
  }
}

/** Jobs that only ask Blender something (its version) and render nothing. */
export function isProbeJob(job: BlenderJob): boolean {
  return job.kind === 'ping';
}

function size(job: { resolution: { width: number; height: number; percentage: number } }): string {
  const scale = job.resolution.percentage / 100;
  return `${Math.round(job.resolution.width * scale)}×${Math.round(job.resolution.height * scale)}`;
}

function samples(job: { renderer: { engine: string; samples: number } }): string {
  if (job.renderer.engine === 'workbench') return 'Workbench';
  const n = job.renderer.samples;
  return `${n} sample${n === 1 ? '' : 's'} (${job.renderer.engine === 'cycles' ? 'Cycles' : 'Eevee'})`;
}
