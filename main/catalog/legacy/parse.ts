import type { z } from 'zod';
import { formatPath, issueText } from '../../../shared/contract/errors';
import type { LegacyError } from '../../../shared/legacy/api';
import { PIPELINE_FORMAT, PresetWorkflowStructure, pipelineRules, type PresetWorkflow } from './pipeline-schema';
import { PRESET_FORMAT, RenderPresetStructure, presetRules, type RenderPreset, type RuleIssue } from './preset-schema';

export type LegacyKind = 'render_preset' | 'preset_workflow';

export type ParsedLegacyDocument =
  | { kind: 'render_preset'; document: RenderPreset }
  | { kind: 'preset_workflow'; document: PresetWorkflow };

export type ParseResult = ({ ok: true } & ParsedLegacyDocument) | { ok: false; errors: LegacyError[] };

const FORMATS: Record<string, LegacyKind> = { [PRESET_FORMAT]: 'render_preset', [PIPELINE_FORMAT]: 'preset_workflow' };

/**
 * Reads one legacy document. Every problem is reported, each naming the file and the field;
 * a render preset's errors also name its key. The document returned is the JSON exactly as
 * given (no defaults, no trimming), so `extra` and timestamps survive untouched.
 */
export function parseLegacyDocument(fileName: string, text: string): ParseResult {
  const fail = (path: string, message: string): ParseResult => ({ ok: false, errors: [{ fileName, path, message: `${fileName}: ${message}` }] });
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return fail('', `not valid JSON ${jsonPosition(text, (error as Error).message)}: ${(error as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail('', 'must be a JSON object (a render preset or a preset workflow)');
  const format = (raw as Record<string, unknown>).format;
  const expected = `expected "${PRESET_FORMAT}" or "${PIPELINE_FORMAT}"`;
  if (format === undefined) return fail('format', `format: missing; ${expected}`);
  const kind = typeof format === 'string' ? FORMATS[format] : undefined;
  if (!kind) return fail('format', `format: unknown format ${JSON.stringify(format)}; ${expected}`);

  const [structure, rules] =
    kind === 'render_preset' ? [RenderPresetStructure as z.ZodType, presetRules] : [PresetWorkflowStructure as z.ZodType, pipelineRules];
  const parsed = structure.safeParse(raw);
  // Rules run on the raw value too, so a structural error does not hide a conditional one.
  const issues: RuleIssue[] = [...(parsed.success ? [] : zodIssues(parsed.error, raw)), ...rules(raw)];
  if (issues.length === 0) return { ok: true, kind, document: raw } as ParseResult;

  const key = (raw as Record<string, unknown>).key;
  const label = typeof key === 'string' ? ` (${kind === 'render_preset' ? 'preset' : 'preset workflow'} "${key}")` : '';
  return {
    ok: false,
    errors: issues.map((issue) => {
      const path = formatPath(issue.path);
      return { fileName, path, message: `${fileName}${label}: ${path || 'document'}: ${issue.message}` };
    }),
  };
}

/** Each zod issue as a rule issue; the message names the value found (issueText), an unknown field its name. */
function zodIssues(error: z.ZodError, raw: unknown): RuleIssue[] {
  const out: RuleIssue[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map((k) => (typeof k === 'number' ? k : String(k)));
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) out.push({ path: [...base, k], message: `unknown field "${formatPath([...base, k])}"` });
    } else {
      out.push({ path: base, message: issueText(issue, raw) });
    }
  }
  return out;
}

/** "at line 3 column 5 (position 27)" from V8's message, when it says where. */
function jsonPosition(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return text.trim() === '' ? '(the file is empty)' : '';
  const pos = Number(m[1]);
  const before = text.replace(/^\uFEFF/, '').slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `at line ${line} column ${column} (position ${pos})`;
}
