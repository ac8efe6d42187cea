import { z } from 'zod';

export const ProblemSeveritySchema = z.enum(['error', 'warning', 'info']);

/** One validation finding; a validator reports all of them at once, never only the first. */
export const ProblemSchema = z.object({
  code: z.string(),
  severity: ProblemSeveritySchema,
  message: z.string(),
  /** Dotted path in the document, e.g. "nodes[3].settings.renderer.samples". */
  path: z.string(),
  nodeId: z.string().optional(),
  edgeId: z.string().optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

/** Problem codes, one per class of problem the validator knows. */
export const ProblemCodes = {
  malformed: 'malformed_document',
  unsupportedSchemaVersion: 'unsupported_schema_version',
  duplicateId: 'duplicate_id',
  unknownNodeType: 'unknown_node_type',
  unknownNodeVersion: 'unknown_node_version',
  nodeUpgradable: 'node_upgradable',
  invalidSetting: 'invalid_setting',
  unknownSetting: 'unknown_setting',
  missingSetting: 'missing_setting',
  unknownMaterial: 'unknown_material',
  edgeMissingNode: 'edge_missing_node',
  edgeMissingPort: 'edge_missing_port',
  portTypeMismatch: 'port_type_mismatch',
  inputAlreadyConnected: 'input_already_connected',
  cycle: 'cycle',
  familyMismatch: 'family_mismatch',
  requiredInputMissing: 'required_input_missing',
  disabledOnOutputPath: 'disabled_on_output_path',
  nodeNotExecutable: 'node_not_executable',
  noOutput: 'no_output',
  parameterTarget: 'parameter_target',
  parameterValue: 'parameter_value',
} as const;

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
