import { NodeError, type Executor } from './context';

/** The workflow's inputs come from the run: the order line, the CAD file or the profile's values. */
export const inputOrderLine: Executor = async ({ run }) => {
  if (!run.orderLine) throw new NodeError('this run has no order line (an order_line workflow needs one)');
  return { line: run.orderLine };
};

export const inputCadFile: Executor = async ({ run }) => {
  if (!run.cadSource) throw new NodeError('this run has no CAD file (a cad_file workflow needs one)');
  return { cad: run.cadSource };
};

export const inputParameters: Executor = async ({ run }) => ({ values: { type: 'parameters', values: structuredClone(run.parameters ?? {}) } });
