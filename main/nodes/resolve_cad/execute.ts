import type { z } from 'zod';
import fs from 'node:fs';
import path from 'node:path';
import { inputOf, NodeError, type Executor } from '../../execution/executors/context';
import type { spec } from './spec';

type Settings = z.output<typeof spec.settings>;

/** resolve_cad: the order line's CAD file, which must have been ingested. */
export const execute: Executor<Settings> = async (execution) => {
  const line = inputOf(execution, 'line', 'order_line');
  const mesh = execution.run.resolveCad(line);
  if (!fs.existsSync(mesh.glb)) throw new NodeError(`the ingested mesh of CAD file ${line.cadFileId} is missing on disk (${mesh.glb}); import the file again`);
  execution.log(`CAD file ${line.cadFileId}: ${path.basename(mesh.glb)}`);
  return { mesh };
};
