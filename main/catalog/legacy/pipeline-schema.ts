import { z } from 'zod';
import { issueText, showValue } from '../../../shared/contract/errors';
import { LEGACY_SERVICE_TO_NODE, findSpec } from '../../nodes/specs';
import type { Family } from '../../../shared/workflow/document';
import { LegacyName, LegacySlug, type RuleIssue } from './preset-schema';

export const PIPELINE_FORMAT = 'lightbox.legacy/preset-workflow@1';

/** FORMAT.md's services by family, in their usual order. */
export const SERVICES_BY_FAMILY: Record<Family, readonly string[]> = {
  cad_file: ['ingest_cad', 'extract_metadata', 'make_thumbnail'],
  order_line: [
    'resolve_cad',
    'prepare_scene',
    'apply_materials',
    'render_still',
    'render_turntable',
    'export_blend',
    'encode_video',
    'postprocess',
    'save_output',
    'notify',
  ],
};

const ALL_SERVICES = [...SERVICES_BY_FAMILY.cad_file, ...SERVICES_BY_FAMILY.order_line] as [string, ...string[]];

export const StepSchema = z
  .object({
    service: z.enum(ALL_SERVICES, {
      error: (issue) =>
        `${issue.input === undefined ? 'is required' : `${showValue(issue.input)} is not a legacy service`}; expected one of ${ALL_SERVICES.join(', ')}`,
    }),
    options: z.record(z.string(), z.unknown()).optional(),
    on_error: z.enum(['fail', 'continue']).optional(),
  })
  .strict();

export const PresetWorkflowStructure = z
  .object({
    format: z.literal(PIPELINE_FORMAT),
    key: LegacySlug,
    name: LegacyName,
    family: z.enum(['order_line', 'cad_file']),
    steps: z.array(StepSchema).min(1, 'must have at least one step'),
  })
  .strict();

export type PresetWorkflow = z.infer<typeof PresetWorkflowStructure>;
export type PresetStep = z.infer<typeof StepSchema>;

/** The node type performing a legacy service (FORMAT.md name → NODE_SPECS type). */
export function nodeTypeOfService(service: string): string {
  const type = LEGACY_SERVICE_TO_NODE[service];
  if (!type) throw new Error(`no node performs the legacy service "${service}"`);
  return type;
}

/**
 * Family membership of each service and each step's options against its node's settings schema.
 * Guarded for unknown input so it can run beside a failed structural parse.
 */
export function pipelineRules(raw: unknown): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (raw === null || typeof raw !== 'object') return issues;
  const { family, steps } = raw as { family?: unknown; steps?: unknown };
  if (!Array.isArray(steps)) return issues;
  steps.forEach((step: unknown, i) => {
    if (step === null || typeof step !== 'object') return;
    const { service, options } = step as { service?: unknown; options?: unknown };
    if (typeof service !== 'string' || !ALL_SERVICES.includes(service)) return;
    if ((family === 'order_line' || family === 'cad_file') && !SERVICES_BY_FAMILY[family].includes(service)) {
      const other = family === 'order_line' ? 'cad_file' : 'order_line';
      issues.push({
        path: ['steps', i, 'service'],
        message: `step ${i + 1}: service "${service}" belongs to the ${other} family, not to this ${family} pipeline`,
      });
    }
    if (options === undefined || options === null || typeof options !== 'object' || Array.isArray(options)) return;
    const spec = findSpec(nodeTypeOfService(service));
    const parsed = spec?.settings.safeParse(options);
    if (!parsed || parsed.success) return;
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          issues.push({ path: ['steps', i, 'options', ...issue.path.map(pathKey), key], message: `step ${i + 1} (${service}): unknown option` });
        }
      } else {
        issues.push({ path: ['steps', i, 'options', ...issue.path.map(pathKey)], message: `step ${i + 1} (${service}): ${issueText(issue, options)}` });
      }
    }
  });
  return issues;
}

const pathKey = (k: PropertyKey): string | number => (typeof k === 'number' ? k : String(k));

export const PresetWorkflowSchema = PresetWorkflowStructure.superRefine((value, ctx) => {
  for (const issue of pipelineRules(value)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});

/** Every step with its defaults made explicit: options {} and on_error "fail". */
export function fillPipelineDefaults(pipeline: PresetWorkflow): PresetWorkflow {
  return {
    ...structuredClone(pipeline),
    steps: pipeline.steps.map((s) => ({ service: s.service, options: structuredClone(s.options ?? {}), on_error: s.on_error ?? 'fail' })),
  };
}
