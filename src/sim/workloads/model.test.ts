import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../util/duration.ts';
import { parseModel } from './model.ts';

describe('workload models', () => {
  it('parses Go-style durations', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration('10')).toBeUndefined();
  });

  it('reads the annotations and reports bad values instead of failing', () => {
    const { model, issues } = parseModel({
      metadata: {
        annotations: {
          'sim.kubeloop.dev/crash-after': '30s',
          'sim.kubeloop.dev/exit-code': '300',
          'sim.kubeloop.dev/log-lines-per-sec': '5',
        },
      },
    });
    expect(model.crashAfterMs).toBe(30_000);
    expect(model.exitCode).toBe(1);
    expect(model.logLinesPerSec).toBe(5);
    expect(issues).toEqual([
      { annotation: 'sim.kubeloop.dev/exit-code', value: '300', reason: 'expected a number from 0 to 255' },
    ]);
  });
});
