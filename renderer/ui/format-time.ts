// One formatter for the whole app: building an Intl.DateTimeFormat per call (what toLocaleString
// does) costs more than the formatting, and lists format hundreds of timestamps.
const WHEN = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** A timestamp as a short local date and time; none is "—", text that is not a date comes back as is. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : WHEN.format(date);
}
