import type { Logger } from 'pino';
import type { KubeObject, ResourceDef } from '../../api/registry.ts';
import type { ResourceService } from '../../api/service/resource-service.ts';
import type { Aggregator } from '../../api/aggregator/aggregator.ts';
import { matchesLabels, parseLabelSelector } from '../../api/selectors.ts';
import { formatTime } from '../../api/service/object-meta.ts';
import { isApiError } from '../../../kube/apimachinery/errors.ts';
import { asObject, deepEqual } from '../../../util/deep-equal.ts';
import type { ContainerUsage } from '../../workloads/usage.ts';
import { scaleOf } from '../../api/http/subresource-handlers.ts';
import { EventRecorder } from '../events.ts';
import { nsKey, splitKey } from '../controller.ts';
import { ScalingHistory, type Behavior } from './behavior.ts';
import { MetricsClient } from './metrics-client.ts';
import { proposeForMetric, type MetricProposal } from './compute.ts';
import { Conditions } from './conditions.ts';
import { DEFAULT_CALCULATOR } from './replica-calculator.ts';

type Obj = Record<string, unknown>;

export interface HpaControllerOptions {
  /** kube-controller-manager --horizontal-pod-autoscaler-sync-period (15 s). */
  syncPeriodMs?: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization (5 min), used when behavior sets none. */
  downscaleStabilizationMs?: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period (5 min) and -initial-readiness-delay (30 s). */
  cpuInitializationPeriodMs?: number;
  delayOfInitialReadinessStatusMs?: number;
  aggregator?: Aggregator;
  usage: (pod: KubeObject, now: Date) => ContainerUsage[];
  logger?: Logger;
}

/**
 * The HorizontalPodAutoscaler controller: every sync period, for each HPA, read the target's scale,
 * ask each metric for a replica count, take the maximum, stabilize and rate-limit it, scale, and
 * write status, conditions and events the way kube-controller-manager does.
 */
export class HpaController {
  private readonly hpaDef: ResourceDef;
  private readonly podDef: ResourceDef;
  private readonly history: ScalingHistory;
  private readonly client: MetricsClient;
  private readonly events: EventRecorder;
  private timer: NodeJS.Timeout | undefined;
  private off: (() => void) | undefined;
  private readonly running = new Set<string>();
  private readonly pending = new Set<string>();
  private stopped = false;

  constructor(
    private readonly svc: ResourceService,
    private readonly opts: HpaControllerOptions,
  ) {
    const hpa = svc.registry.find('autoscaling', 'v2', 'horizontalpodautoscalers');
    const pod = svc.registry.find('', 'v1', 'pods');
    if (!hpa || !pod) throw new Error('hpa controller: horizontalpodautoscalers or pods missing from the registry');
    this.hpaDef = hpa;
    this.podDef = pod;
    this.history = new ScalingHistory(opts.downscaleStabilizationMs ?? 300_000);
    this.client = new MetricsClient({
      registry: svc.registry,
      aggregator: opts.aggregator,
      usage: opts.usage,
      now: () => svc.now(),
    });
    this.events = new EventRecorder(svc, { component: 'horizontal-pod-autoscaler' });
  }

  start(): void {
    // A new HPA or a spec change is synced at once; everything else waits for the period, as in KCM.
    this.off = this.svc.store.subscribe(this.hpaDef, {
      deliver: (e) => {
        const key = nsKey(e.object.obj.metadata.namespace, e.object.obj.metadata.name);
        if (e.type === 'DELETED') return this.history.forget(key);
        if (e.type === 'ADDED' || !deepEqual(e.object.obj.spec, e.prev?.obj.spec)) this.enqueue(key);
      },
    });
    this.timer = setInterval(() => {
      for (const so of this.svc.store.values(this.hpaDef))
        this.enqueue(nsKey(so.obj.metadata.namespace, so.obj.metadata.name));
    }, this.opts.syncPeriodMs ?? 15_000);
    this.timer.unref();
    for (const so of this.svc.store.values(this.hpaDef))
      this.enqueue(nsKey(so.obj.metadata.namespace, so.obj.metadata.name));
  }

  stop(): void {
    this.stopped = true;
    this.off?.();
    if (this.timer) clearInterval(this.timer);
  }

  /** One sync per key at a time; a request during a sync runs once more after it. */
  private enqueue(key: string): void {
    if (this.stopped) return;
    if (this.running.has(key)) {
      this.pending.add(key);
      return;
    }
    this.running.add(key);
    void this.reconcile(key)
      .catch((err: unknown) => this.opts.logger?.warn({ err, hpa: key }, 'hpa controller: sync failed'))
      .finally(() => {
        this.running.delete(key);
        if (this.pending.delete(key)) this.enqueue(key);
      });
  }

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const hpa = this.svc.store.get(this.hpaDef, namespace, name)?.obj;
    if (!hpa || hpa.metadata.deletionTimestamp) return;
    const spec = asObject(hpa.spec);
    const now = this.svc.now();
    const conditions = new Conditions(asObject(hpa.status)['conditions'], formatTime(now));
    const ns = namespace ?? 'default';
    const ref = asObject(spec['scaleTargetRef']);
    const targetDef = this.svc.registry.findKind(String(ref['apiVersion'] ?? ''), String(ref['kind'] ?? ''));
    const target = targetDef?.subresources.includes('scale')
      ? this.svc.store.get(targetDef, ns, String(ref['name'] ?? ''))?.obj
      : undefined;
    if (!targetDef || !target) {
      const why = targetDef?.subresources.includes('scale')
        ? // The scale client's NotFound names the subresource, as kube-controller-manager reports it.
          `${targetDef.resource}/scale${targetDef.group ? `.${targetDef.group}` : ''} "${String(ref['name'] ?? '')}" not found`
        : `no matches for kind "${String(ref['kind'] ?? '')}" in group "${String(ref['apiVersion'] ?? '')
            .split('/')
            .slice(0, -1)
            .join('/')}"`;
      this.events.record(hpa, 'Warning', 'FailedGetScale', why);
      conditions.set(
        'AbleToScale',
        'False',
        'FailedGetScale',
        `the HPA controller was unable to get the target's current scale: ${why}`,
      );
      return this.writeStatus(hpa, { conditions: conditions.list() });
    }
    conditions.set(
      'AbleToScale',
      'True',
      'SucceededGetScale',
      "the HPA controller was able to get the target's current scale",
    );
    const scale = scaleOf(target);
    const current =
      typeof asObject(target.spec)['replicas'] === 'number' ? (asObject(target.spec)['replicas'] as number) : 1;
    const statusReplicas = Number(asObject(scale['status'])['replicas'] ?? 0);
    const selector = String(asObject(scale['status'])['selector'] ?? '');
    this.history.initialize(key, current, now.getTime());
    const minReplicas = typeof spec['minReplicas'] === 'number' ? spec['minReplicas'] : 1;
    const maxReplicas = typeof spec['maxReplicas'] === 'number' ? spec['maxReplicas'] : 1;
    const previousStatus = asObject(hpa.status);

    let desired = 0;
    let rescaleReason = '';
    let rescale = true;
    let currentMetrics: Obj[] | undefined = Array.isArray(previousStatus['currentMetrics'])
      ? (previousStatus['currentMetrics'] as Obj[])
      : undefined;
    if (current === 0 && minReplicas !== 0) {
      desired = 0;
      rescale = false;
      conditions.set(
        'ScalingActive',
        'False',
        'ScalingDisabled',
        'scaling is disabled since the replica count of the target is zero',
      );
    } else if (current > maxReplicas) {
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
      desired = maxReplicas;
    } else if (current < minReplicas) {
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
      desired = minReplicas;
    } else {
      const pods = selector === '' ? [] : this.podsFor(ns, selector);
      const metrics = Array.isArray(spec['metrics']) ? spec['metrics'].map(asObject) : [];
      const proposals: MetricProposal[] = [];
      const calc = {
        ...DEFAULT_CALCULATOR,
        cpuInitializationPeriodMs: this.opts.cpuInitializationPeriodMs ?? DEFAULT_CALCULATOR.cpuInitializationPeriodMs,
        delayOfInitialReadinessStatusMs:
          this.opts.delayOfInitialReadinessStatusMs ?? DEFAULT_CALCULATOR.delayOfInitialReadinessStatusMs,
      };
      for (const m of metrics)
        proposals.push(
          await proposeForMetric(
            this.client,
            ns,
            m,
            { specReplicas: current, statusReplicas, pods, selector },
            now,
            calc,
          ),
        );
      currentMetrics = proposals.map((p) => (p.ok ? p.status : { type: '' }));
      const invalid = proposals.filter((p): p is Extract<MetricProposal, { ok: false }> => !p.ok);
      for (const p of invalid) this.events.record(hpa, 'Warning', p.reason, p.error);
      let best: Extract<MetricProposal, { ok: true }> | undefined;
      for (const p of proposals) if (p.ok && (best === undefined || p.replicas > best.replicas)) best = p;
      const first = invalid[0];
      // All metrics invalid, or some invalid and the valid ones would scale down: hold (never act on partial data).
      if (first && (invalid.length >= proposals.length || (best !== undefined && best.replicas < current))) {
        conditions.set(
          'ScalingActive',
          'False',
          first.reason,
          `the HPA was unable to compute the replica count: ${first.error}`,
        );
        const message = `invalid metrics (${invalid.length} invalid out of ${proposals.length}), first error is: ${first.error}`;
        this.events.record(hpa, 'Warning', 'FailedComputeMetricsReplicas', message);
        return this.writeStatus(hpa, {
          ...previousStatus,
          currentReplicas: statusReplicas,
          desiredReplicas: asObject(hpa.status)['desiredReplicas'] ?? current,
          currentMetrics,
          conditions: conditions.list(),
        });
      }
      if (!best) {
        conditions.set(
          'ScalingActive',
          'False',
          'InvalidMetricSourceType',
          'the HPA was unable to compute the replica count: no metrics are configured',
        );
        return this.writeStatus(hpa, {
          ...previousStatus,
          currentReplicas: statusReplicas,
          desiredReplicas: current,
          conditions: conditions.list(),
        });
      }
      conditions.set(
        'ScalingActive',
        'True',
        'ValidMetricFound',
        `the HPA was able to successfully calculate a replica count from ${best.name}`,
      );
      desired = best.replicas;
      if (desired > current) rescaleReason = `${best.name} above target`;
      if (desired < current) rescaleReason = 'All metrics below target';
      const behavior = spec['behavior'] as Behavior | undefined;
      const limited = behavior
        ? this.history.normalizeWithBehavior(key, behavior, current, desired, minReplicas, maxReplicas, now.getTime())
        : this.history.normalize(key, current, desired, minReplicas, maxReplicas, now.getTime());
      conditions.set('AbleToScale', 'True', limited.ableReason, limited.ableMessage);
      conditions.set('ScalingLimited', limited.limited ? 'True' : 'False', limited.limitReason, limited.limitMessage);
      desired = limited.replicas;
      rescale = desired !== current;
    }

    let lastScaleTime = previousStatus['lastScaleTime'];
    if (rescale) {
      try {
        this.scaleTo(targetDef, target, desired);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        this.events.record(
          hpa,
          'Warning',
          'FailedRescale',
          `New size: ${desired}; reason: ${rescaleReason}; error: ${why}`,
        );
        conditions.set(
          'AbleToScale',
          'False',
          'FailedUpdateScale',
          `the HPA controller was unable to update the target scale: ${why}`,
        );
        return this.writeStatus(hpa, {
          ...previousStatus,
          currentReplicas: statusReplicas,
          conditions: conditions.list(),
        });
      }
      conditions.set(
        'AbleToScale',
        'True',
        'SucceededRescale',
        `the HPA controller was able to update the target scale to ${desired}`,
      );
      this.events.record(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${rescaleReason}`);
      this.history.recordScale(key, current, desired, now.getTime());
      lastScaleTime = formatTime(now);
      this.opts.logger?.info({ hpa: key, from: current, to: desired, reason: rescaleReason }, 'hpa: rescaled');
    } else {
      desired = current;
    }
    const status: Obj = { currentReplicas: statusReplicas, desiredReplicas: desired, conditions: conditions.list() };
    if (lastScaleTime !== undefined) status['lastScaleTime'] = lastScaleTime;
    if (currentMetrics && currentMetrics.length > 0) status['currentMetrics'] = currentMetrics;
    this.writeStatus(hpa, status);
  }

  private podsFor(namespace: string, selector: string): KubeObject[] {
    const sel = parseLabelSelector(selector);
    return this.svc.store
      .listCurrent(this.podDef, namespace)
      .map((so) => so.obj)
      .filter((p) => matchesLabels(sel, p.metadata.labels));
  }

  /** A scale update: spec.replicas only, with the target's resourceVersion as precondition. */
  private scaleTo(def: ResourceDef, target: KubeObject, replicas: number): void {
    const current = this.svc.store.get(def, target.metadata.namespace, target.metadata.name ?? '');
    if (!current) throw new Error(`${def.resource} "${target.metadata.name ?? ''}" not found`);
    const next = structuredClone(current.obj);
    next.spec = { ...asObject(next.spec), replicas };
    this.svc.commitUpdate(
      { def, namespace: target.metadata.namespace, name: target.metadata.name ?? '' },
      current,
      next,
      undefined,
    );
  }

  private writeStatus(hpa: KubeObject, status: Obj): void {
    const current = this.svc.store.get(this.hpaDef, hpa.metadata.namespace, hpa.metadata.name ?? '');
    if (!current || deepEqual(current.obj.status, status)) return;
    try {
      this.svc.commitUpdate(
        { def: this.hpaDef, namespace: hpa.metadata.namespace, name: hpa.metadata.name ?? '' },
        current,
        { ...structuredClone(current.obj), status },
        'status',
      );
    } catch (err) {
      if (!isApiError(err) || err.code !== 409) throw err;
    }
  }
}
