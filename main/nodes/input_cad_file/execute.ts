import type { z } from 'zod';
import { NodeError, type Executor } from '../../execution/executors/context';
import type { spec } from './spec';

type Settings = z.output<typeof spec.settings>;

export const execute: Executor<Settings> = async ({ run }) => {
  if (!run.cadSource) throw new NodeError('this run has no CAD file (a cad_file workflow needs one)');
  return { cad: run.cadSource };
};
