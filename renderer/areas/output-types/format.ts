import type { OutputTypeSummary } from '../../../shared/orders/api';

export const FORM_LABEL: Record<OutputTypeSummary['form'], string> = {
  legacy_preset: 'Legacy preset',
  invocation_profile: 'Invocation profile',
  both: 'Legacy preset and profile',
};

export function formatValue(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export function formatRate(rate: { runs: number; failed: number; rate: number | null }): string {
  if (!rate.runs) return 'no runs yet';
  return `${rate.failed} of ${rate.runs} failed (${((rate.rate ?? rate.failed / rate.runs) * 100).toFixed(1)}%)`;
}
