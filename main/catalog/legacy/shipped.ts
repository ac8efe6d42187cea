import fs from 'node:fs';
import path from 'node:path';
import { resourcesDir } from '../../../workers/resources/paths';
import { parseLegacyDocument } from './parse';
import type { PresetWorkflow } from './pipeline-schema';

export interface ShippedPipeline {
  fileName: string;
  text: string;
  document: PresetWorkflow;
}

/** resources/legacy/pipelines: the preset workflows Lightbox ships, used when a preset names one not imported. */
export function shippedPipelinesDir(): string {
  return path.join(resourcesDir(), 'legacy', 'pipelines');
}

let cache: { dir: string; pipelines: Map<string, ShippedPipeline> } | undefined;

/** Read once per folder; a broken shipped file is a build bug, so it throws with the file's errors. */
export function shippedPipelines(dir: string = shippedPipelinesDir()): Map<string, ShippedPipeline> {
  if (cache?.dir === dir) return cache.pipelines;
  const pipelines = new Map<string, ShippedPipeline>();
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const fileName = path.join(dir, name);
    const text = fs.readFileSync(fileName, 'utf8');
    const parsed = parseLegacyDocument(fileName, text);
    if (!parsed.ok) throw new Error(`shipped preset workflow is invalid: ${parsed.errors.map((e) => e.message).join('; ')}`);
    if (parsed.kind !== 'preset_workflow') throw new Error(`${fileName}: expected a preset workflow`);
    pipelines.set(parsed.document.key, { fileName, text, document: parsed.document });
  }
  cache = { dir, pipelines };
  return pipelines;
}
