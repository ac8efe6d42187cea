/** What JSON typed into a field means: nothing (empty), a value, or text that does not parse yet. */
export type JsonText = { kind: 'empty' } | { kind: 'value'; value: unknown } | { kind: 'invalid' };

export function readJsonText(text: string): JsonText {
  if (text.trim() === '') return { kind: 'empty' };
  try {
    return { kind: 'value', value: JSON.parse(text) as unknown };
  } catch {
    return { kind: 'invalid' };
  }
}

/**
 * The change handler of a JSON text field: an empty field clears the value, valid JSON sets it,
 * anything else stays in the field, marked, until it parses.
 */
export function onJsonText(text: string, set: (value: unknown) => void, markInvalid?: (invalid: boolean) => void): void {
  const read = readJsonText(text);
  markInvalid?.(read.kind === 'invalid');
  if (read.kind !== 'invalid') set(read.kind === 'value' ? read.value : undefined);
}
