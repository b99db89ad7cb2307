import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../api/store/object-store.ts';
import { ResourceRegistry } from '../api/registry.ts';
import { ResourceService } from '../api/service/resource-service.ts';
import { bootstrapCluster } from '../scenarios/index.ts';
import { cronJobController } from './cronjob-controller.ts';
import type { Controller } from './controller.ts';
import { eventually } from '../../../test/support/eventually.ts';

function setup(start: Date): { svc: ResourceService; clock: { now: Date } } {
  const clock = { now: start };
  const svc = new ResourceService(new ObjectStore(), new ResourceRegistry(), { now: () => clock.now });
  bootstrapCluster(svc);
  return { svc, clock };
}

/** Until every key enqueued so far is reconciled (however long the shared slices take to get a turn). */
const reconciled = (ctl: Controller): Promise<true> =>
  eventually('the queue reconciled', async () => (ctl.queued === 0 ? true : undefined));

describe('CronJob controller', () => {
  it('creates one Job per schedule time, named by minutes since the epoch', async () => {
    const { svc, clock } = setup(new Date('2026-01-01T00:00:30Z'));
    const cjDef = svc.registry.find('batch', 'v1', 'cronjobs')!;
    const jobDef = svc.registry.find('batch', 'v1', 'jobs')!;
    svc.create(cjDef, 'default', {
      metadata: { name: 'report' },
      spec: {
        schedule: '*/1 * * * *',
        jobTemplate: {
          spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x' }] } } },
        },
      },
    });
    const ctl = cronJobController(svc);
    ctl.start();
    await reconciled(ctl);
    expect(svc.store.count(jobDef)).toBe(0);
    clock.now = new Date('2026-01-01T00:01:05Z');
    ctl.enqueue('default/report');
    await reconciled(ctl);
    const jobs = svc.store.listCurrent(jobDef, 'default').map((so) => so.obj.metadata.name);
    expect(jobs).toEqual([`report-${Date.parse('2026-01-01T00:01:00Z') / 60_000}`]);
    const status = svc.store.get(cjDef, 'default', 'report')!.obj.status as {
      lastScheduleTime: string;
      active: unknown[];
    };
    expect(status.lastScheduleTime).toBe('2026-01-01T00:01:00Z');
    expect(status.active).toHaveLength(1);
    ctl.enqueue('default/report');
    await reconciled(ctl);
    expect(svc.store.count(jobDef)).toBe(1);
    ctl.stop();
  });

  it('reports an unparseable schedule as a Warning event and creates nothing', async () => {
    const { svc, clock } = setup(new Date('2026-01-01T00:00:00Z'));
    const cjDef = svc.registry.find('batch', 'v1', 'cronjobs')!;
    svc.create(cjDef, 'default', {
      metadata: { name: 'bad' },
      spec: {
        schedule: 'every tuesday',
        jobTemplate: {
          spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x' }] } } },
        },
      },
    });
    clock.now = new Date('2026-01-01T00:10:00Z');
    const ctl = cronJobController(svc);
    ctl.start();
    await reconciled(ctl);
    const events = svc.store
      .listCurrent(svc.registry.find('', 'v1', 'events')!, 'default')
      .map((so) => so.obj['reason']);
    expect(events).toContain('UnparseableSchedule');
    expect(svc.store.count(svc.registry.find('batch', 'v1', 'jobs')!)).toBe(0);
    ctl.stop();
  });
});
