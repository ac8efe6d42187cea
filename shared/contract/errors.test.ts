import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { issueText, showValue, zodToApiError } from './errors';

/** Issue #18: every refusal of bad input names the value it found as well as its path. */
const Schema = z
  .object({
    mode: z.enum(['warm', 'cold']),
    concurrency: z.number().int().min(1).max(64),
    color: z.string().regex(/^#[0-9a-f]{6}$/, 'must be a color as #rrggbb'),
    url: z.url(),
    depth: z.union([z.literal(8), z.literal(16)]),
    tags: z.array(z.string()).min(1, 'must name at least one tag'),
  })
  .strict();

const messages = (input: unknown) => {
  const parsed = Schema.safeParse(input);
  if (parsed.success) throw new Error('expected a refusal');
  return zodToApiError(parsed.error, undefined, input).issues?.map((i) => i.message);
};

const valid = { mode: 'warm', concurrency: 2, color: '#ffffff', url: 'https://example.com', depth: 8, tags: ['a'] };

describe('refusal messages name the value found', () => {
  it('enum, type, range and format errors alike', () => {
    expect(messages({ ...valid, mode: 'hot' })).toEqual(['mode: Invalid option: expected one of "warm"|"cold", got "hot"']);
    expect(messages({ ...valid, concurrency: 'lots' })).toEqual(['concurrency: Invalid input: expected number, received string "lots"']);
    expect(messages({ ...valid, concurrency: 500 })).toEqual(['concurrency: Too big: expected number to be <=64, got 500']);
    expect(messages({ ...valid, concurrency: 1.5 })).toEqual(['concurrency: Invalid input: expected int, received number 1.5']);
    expect(messages({ ...valid, color: 'red' })).toEqual(['color: must be a color as #rrggbb, got "red"']);
    expect(messages({ ...valid, url: 'not a url' })).toEqual(['url: Invalid URL, got "not a url"']);
    expect(messages({ ...valid, depth: 12 })).toEqual(['depth: Invalid input, got 12']);
    expect(messages({ ...valid, tags: [] })).toEqual(['tags: must name at least one tag, got []']);
  });

  it('a missing value says so; an unknown field is named by its key; null is named as null', () => {
    const { mode: _mode, ...noMode } = valid;
    expect(messages(noMode)).toEqual(['mode: Invalid option: expected one of "warm"|"cold", got nothing']);
    const { concurrency: _c, ...noConcurrency } = valid;
    expect(messages(noConcurrency)).toEqual(['concurrency: Invalid input: expected number, received undefined']);
    expect(messages({ ...valid, colour: 'red' })).toEqual(['Unrecognized key: "colour"']);
    expect(messages({ ...valid, concurrency: null })).toEqual(['concurrency: Invalid input: expected number, received null']);
  });

  it('takes the value from the issue when no input is given (reportInput), and cuts a long one', () => {
    const parsed = Schema.shape.color.safeParse('x'.repeat(200), { reportInput: true });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const text = issueText(parsed.error.issues[0] as z.core.$ZodIssue);
    expect(text).toBe(`must be a color as #rrggbb, got "${'x'.repeat(76)}...`);
    expect(showValue(undefined)).toBe('nothing');
    expect(showValue(Number.NaN)).toBe('NaN');
  });

  it('does not repeat a value the message already names', () => {
    const Named = z.string().refine((s) => s === 'ok', { error: (issue) => `"${String(issue.input)}" is not ok` });
    const parsed = Named.safeParse('bad');
    if (parsed.success) throw new Error('expected a refusal');
    expect(zodToApiError(parsed.error, undefined, 'bad').message).toBe('"bad" is not ok');
  });
});

describe('a value too deep for JSON (issue 13 item 12, found by the hostile-input suite)', () => {
  it('is named by its kind: describing a refusal never throws', () => {
    const deep = JSON.parse(`${'['.repeat(20_000)}${']'.repeat(20_000)}`) as unknown;
    expect(showValue(deep)).toBe('an array too deep to show');
    const parsed = z.object({ type: z.literal('call') }).safeParse(deep);
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(zodToApiError(parsed.error, 'bad_request', deep)).toMatchObject({ code: 'bad_request', path: '' });
  });
});
