import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, type PixelStats } from '../../../shared/comparison/api';
import { judgePixels, judgeReport, resolveThresholds, worstVerdict } from './verdict';

const stats = (meanError: number, overShare: number, max = 0.5): PixelStats => ({
  channels: (['R', 'G', 'B', 'A'] as const).map((name) => ({ name, mean: meanError, max })),
  meanError,
  overShare,
});

describe('verdict', () => {
  it('starts from the thresholds of Blender render tests', () => {
    expect(resolveThresholds()).toEqual({ meanError: 0.016, pixelDelta: 0.1, overShare: 0.01 });
    expect(resolveThresholds({ overShare: 0.05 })).toEqual({ ...DEFAULT_THRESHOLDS, overShare: 0.05 });
    expect(() => resolveThresholds({ meanError: 2 })).toThrow(/meanError/);
  });

  it('fails only above the limits, warns for any delta within them, passes at zero', () => {
    const t = resolveThresholds();
    expect(judgePixels('still', stats(0.016, 0.01), t).verdict).toBe('warn');
    expect(judgePixels('still', stats(0.0161, 0), t)).toEqual({ verdict: 'fail', reasons: ['still: mean error 0.0161 is over the limit 0.016'] });
    expect(judgePixels('still', stats(0, 0.02), t).reasons).toEqual(['still: 2.00% of pixels differ by more than 0.1 (limit 1.00%)']);
    expect(judgePixels('still', stats(0, 0, 0), t)).toEqual({ verdict: 'pass', reasons: [] });
  });

  it('takes the worst verdict and lists differing records as fail reasons', () => {
    expect(worstVerdict(['pass', 'warn', 'pass'])).toBe('warn');
    expect(worstVerdict([])).toBe('pass');
    const report = judgeReport([], [
      { field: 'render status', legacy: 'succeeded', shadow: 'succeeded', same: true },
      { field: 'render log: samples', legacy: [64], shadow: [32], same: false },
    ]);
    expect(report).toEqual({ verdict: 'fail', reasons: ['render log: samples: differs (legacy 64, shadow 32)'] });
  });
});
