import { describe, expect, it } from 'vitest';
import { describeTrigger } from './trigger.ts';

describe('describeTrigger', () => {
  it('reduces each trigger to its identifiers', () => {
    expect(describeTrigger({ kind: 'schedule', scheduledAt: 5 })).toEqual({ kind: 'schedule', scheduledAt: 5 });
    expect(
      describeTrigger({
        kind: 'alert',
        alertRowId: 3,
        alert: {
          source: 'guance',
          id: 'e1',
          status: 'firing',
          severity: 'critical',
          labels: {},
          annotations: {},
          title: 't',
          raw: null,
        },
      }),
    ).toEqual({ kind: 'alert', alertRowId: 3, alertId: 'e1', source: 'guance' });
    expect(
      describeTrigger({
        kind: 'failure',
        failure: {
          id: 9,
          namespace: 'shop',
          pod: 'api-1',
          workloadKind: 'Deployment',
          workloadName: 'api',
          reason: 'CrashLoopBackOff',
        },
      }),
    ).toEqual({
      kind: 'failure',
      failureId: 9,
      namespace: 'shop',
      pod: 'api-1',
      workloadKind: 'Deployment',
      workloadName: 'api',
      reason: 'CrashLoopBackOff',
    });
  });
});
