import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplesDir } from '../../../catalog/legacy/legacy-testing';
import { captureCli } from '../../../testing/cli-capture';
import { makeTempDir } from '../../../testing/temp-dir';
import { TEST_STEP } from '../../../testing/warm-farm';
import { runCli } from '../run-cli';

/** `lightbox rollout set|status` and `lightbox compare` as a studio lead would use them. */
const T = 120_000;
let tmp: ReturnType<typeof makeTempDir>;
let dataDir: string;

async function cli(args: string[]) {
  const c = captureCli(process.env);
  const code = await runCli([...args, '--data-dir', dataDir], c.io);
  return { code, out: c.out(), err: c.err() };
}

beforeAll(async () => {
  tmp = makeTempDir('lightbox-rollout-');
  dataDir = path.join(tmp.dir, 'data');
  const files = fs.readdirSync(examplesDir).map((f) => path.join(examplesDir, f));
  expect((await cli(['legacy', 'migrate', ...files])).code).toBe(0);
});
afterAll(() => tmp.cleanup());

describe('lightbox rollout and compare', () => {
  it('refuses graph for an output type without a clean shadow pass, names why, and records nothing', async () => {
    const refused = await cli(['rollout', 'set', 'still_white_2k', '--mode', 'graph']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('graph cannot be enabled on "still_white_2k": it has no shadow comparison yet');
    const noReason = await cli(['rollout', 'set', 'still_white_2k', '--mode', 'graph', '--override', '--json']);
    expect(noReason.code).toBe(1);
    expect(JSON.parse(noReason.out)).toMatchObject({ error: { code: 'reason_required', path: 'reason' } });
    const status = JSON.parse((await cli(['rollout', 'status', '--json'])).out) as { outputTypes: { key: string; effectiveMode: string }[]; changes: unknown[] };
    expect(status.changes).toEqual([]);
    expect(status.outputTypes.find((o) => o.key === 'still_white_2k')?.effectiveMode).toBe('legacy');
  });

  it('an override with a reason is allowed and recorded; a rollback is one command', async () => {
    const forced = await cli(['rollout', 'set', 'still_white_2k', '--mode', 'graph', '--override', '--reason', 'deadline drill', '--json']);
    expect(forced.code, forced.err).toBe(0);
    // The log names the gates the override went past.
    expect(JSON.parse(forced.out)).toMatchObject({ target: 'still_white_2k', toMode: 'graph', override: true, reason: expect.stringMatching(/^deadline drill \(overrode the approval, coverage gates: it has no shadow comparison yet\)$/) });
    expect((await cli(['rollout', 'set', 'still_white_2k', '--mode', 'legacy', '--reason', 'rollback'])).code).toBe(0);
    const text = (await cli(['rollout', 'status'])).out;
    expect(text).toMatch(/still_white_2k\s+legacy/);
    expect(text).toContain('graph → legacy');
    expect(text).toContain('OVERRIDE: deadline drill');
  });

  it('a workflow can be rolled out too; an unknown target is named', async () => {
    expect((await cli(['rollout', 'set', 'legacy.still_default', '--mode', 'shadow', '--reason', 'observe'])).code).toBe(0);
    const status = JSON.parse((await cli(['rollout', 'status', '--json'])).out) as { workflows: { id: string; mode: string }[]; outputTypes: { key: string; effectiveMode: string }[] };
    expect(status.workflows.find((w) => w.id === 'legacy.still_default')?.mode).toBe('shadow');
    // An output type with no mode of its own follows its workflow.
    expect(status.outputTypes.find((o) => o.key === 'still_white_2k')?.effectiveMode).toBe('legacy');
    expect(status.outputTypes.find((o) => o.key === 'still_transparent_web')?.effectiveMode).toBe('legacy');
    const unknown = await cli(['rollout', 'set', 'nope', '--mode', 'legacy']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('"nope" is neither an output type nor a workflow');
    expect((await cli(['rollout', 'set', 'legacy.still_default', '--mode', 'legacy'])).code).toBe(0);
  });

  it('compare shows a shadow dispatch\'s verdict; a run without one is named', async () => {
    const created = JSON.parse((await cli(['order', 'create', '--cad', TEST_STEP, '--output-type', 'still_white_2k', '--json'])).out) as { lines: { id: string }[] };
    const dispatched = await cli(['dispatch', created.lines[0]?.id as string, '--mode', 'shadow', '--max-size', '48', '--samples', '2', '--json']);
    expect(dispatched.code, dispatched.err).toBe(0);
    const outcome = JSON.parse(dispatched.out) as { run: { id: string }; comparison: { verdict: string } };
    expect(outcome.comparison.verdict).toBe('pass');
    const compared = await cli(['compare', outcome.run.id]);
    expect(compared.code).toBe(0);
    expect(compared.out).toMatch(/^Comparison .*: PASS/);
    expect(compared.out).toMatch(/render log: samples\s+same/);
    const none = await cli(['compare', 'no-such-run']);
    expect(none.code).toBe(1);
    expect(none.err).toContain('run no-such-run has no shadow comparison');
  }, T);

  it('rollout try pins a revision of the bound workflow in shadow and logs it; a missing revision is named', async () => {
    const tried = await cli(['rollout', 'try', 'still_top_exr', '--revision', '1', '--reason', 'cli try']);
    expect(tried.code, tried.err).toBe(0);
    expect(tried.out).toContain('still_top_exr: (inherited) → shadow, pinned to legacy.still_default revision 1; the next dispatch observes it in shadow.');
    expect(tried.out).toContain('Graph: not yet (it has no shadow comparison yet)');
    const status = JSON.parse((await cli(['rollout', 'status', '--json'])).out) as { outputTypes: { key: string; ownMode: string | null }[]; changes: { target: string; toMode: string; reason: string | null }[] };
    expect(status.outputTypes.find((o) => o.key === 'still_top_exr')?.ownMode).toBe('shadow');
    expect(status.changes[0]).toMatchObject({ target: 'still_top_exr', toMode: 'shadow', reason: 'try legacy.still_default revision 1 in shadow (was revision 1): cli try' });
    const missing = await cli(['rollout', 'try', 'still_top_exr', '--revision', '99', '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.out)).toMatchObject({ error: { code: 'not_found', path: 'revision' } });
    expect((await cli(['rollout', 'try', 'still_top_exr'])).code).toBe(2);
  });
});
