import type { z } from 'zod';
import { NodeError, type Executor } from '../../execution/executors/context';
import type { spec } from './spec';

type Settings = z.output<typeof spec.settings>;

/** The workflow's inputs come from the run: the order line, the CAD file or the profile's values. */
export const execute: Executor<Settings> = async ({ run }) => {
  if (!run.orderLine) throw new NodeError('this run has no order line (an order_line workflow needs one)');
  return { line: run.orderLine };
};
