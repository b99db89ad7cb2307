import type { KubeObject } from '../registry.ts';
import { arr, containersAndImages, formatMap, formatSelector, humanDuration, num, obj, since, str } from './format.ts';
import type { Printer } from './printer.ts';

const WIDE_WORKLOAD: Printer['columns'] = [
  ['Containers', 'string', 1],
  ['Images', 'string', 1],
  ['Selector', 'string', 1],
];

function template(o: KubeObject): unknown {
  return obj(obj(o.spec)['template'])['spec'];
}

export const deploymentPrinter: Printer = {
  columns: [
    ['Name', 'string'],
    ['Ready', 'string'],
    ['Up-to-date', 'integer'],
    ['Available', 'integer'],
    ['Age', 'string'],
    ...WIDE_WORKLOAD,
  ],
  row(d, now) {
    const spec = obj(d.spec);
    const st = obj(d.status);
    const [c, i] = containersAndImages(template(d));
    return [
      d.metadata.name,
      `${num(st['readyReplicas'])}/${num(spec['replicas'])}`,
      num(st['updatedReplicas']),
      num(st['availableReplicas']),
      since(d.metadata.creationTimestamp, now),
      c,
      i,
      formatSelector(spec['selector']),
    ];
  },
};

export const replicaSetPrinter: Printer = {
  columns: [
    ['Name', 'string'],
    ['Desired', 'integer'],
    ['Current', 'integer'],
    ['Ready', 'integer'],
    ['Age', 'string'],
    ...WIDE_WORKLOAD,
  ],
  row(rs, now) {
    const spec = obj(rs.spec);
    const st = obj(rs.status);
    const [c, i] = containersAndImages(template(rs));
    return [
      rs.metadata.name,
      num(spec['replicas']),
      num(st['replicas']),
      num(st['readyReplicas']),
      since(rs.metadata.creationTimestamp, now),
      c,
      i,
      formatSelector(spec['selector']),
    ];
  },
};

export const statefulSetPrinter: Printer = {
  columns: [
    ['Name', 'string'],
    ['Ready', 'string'],
    ['Age', 'string'],
    ['Containers', 'string', 1],
    ['Images', 'string', 1],
  ],
  row(s, now) {
    const [c, i] = containersAndImages(template(s));
    return [
      s.metadata.name,
      `${num(obj(s.status)['readyReplicas'])}/${num(obj(s.spec)['replicas'])}`,
      since(s.metadata.creationTimestamp, now),
      c,
      i,
    ];
  },
};

export const daemonSetPrinter: Printer = {
  columns: [
    ['Name', 'string'],
    ['Desired', 'integer'],
    ['Current', 'integer'],
    ['Ready', 'integer'],
    ['Up-to-date', 'integer'],
    ['Available', 'integer'],
    ['Node Selector', 'string'],
    ['Age', 'string'],
    ...WIDE_WORKLOAD,
  ],
  row(ds, now) {
    const st = obj(ds.status);
    const [c, i] = containersAndImages(template(ds));
    return [
      ds.metadata.name,
      num(st['desiredNumberScheduled']),
      num(st['currentNumberScheduled']),
      num(st['numberReady']),
      num(st['updatedNumberScheduled']),
      num(st['numberAvailable']),
      formatMap(obj(template(ds))['nodeSelector']),
      since(ds.metadata.creationTimestamp, now),
      c,
      i,
      formatSelector(obj(ds.spec)['selector']),
    ];
  },
};

export const jobPrinter: Printer = {
  columns: [['Name', 'string'], ['Completions', 'string'], ['Duration', 'string'], ['Age', 'string'], ...WIDE_WORKLOAD],
  row(job, now) {
    const spec = obj(job.spec);
    const st = obj(job.status);
    const completions =
      spec['completions'] !== undefined
        ? `${num(st['succeeded'])}/${num(spec['completions'])}`
        : `${num(st['succeeded'])}/1 of ${num(spec['parallelism']) || 1}`;
    const start = Date.parse(str(st['startTime']));
    const end = Date.parse(str(st['completionTime']));
    const duration = Number.isNaN(start) ? '' : humanDuration((Number.isNaN(end) ? now.getTime() : end) - start);
    const [c, i] = containersAndImages(template(job));
    return [
      job.metadata.name,
      completions,
      duration,
      since(job.metadata.creationTimestamp, now),
      c,
      i,
      formatSelector(spec['selector']),
    ];
  },
};

export const cronJobPrinter: Printer = {
  columns: [
    ['Name', 'string'],
    ['Schedule', 'string'],
    ['Suspend', 'boolean'],
    ['Active', 'integer'],
    ['Last Schedule', 'string'],
    ['Age', 'string'],
    ...WIDE_WORKLOAD,
  ],
  row(cj, now) {
    const spec = obj(cj.spec);
    const st = obj(cj.status);
    const jobSpec = obj(obj(spec['jobTemplate'])['spec']);
    const [c, i] = containersAndImages(obj(jobSpec['template'])['spec']);
    return [
      cj.metadata.name,
      str(spec['schedule']),
      spec['suspend'] === true,
      arr(st['active']).length,
      st['lastScheduleTime'] ? since(st['lastScheduleTime'], now) : '<none>',
      since(cj.metadata.creationTimestamp, now),
      c,
      i,
      formatSelector(jobSpec['selector']),
    ];
  },
};

function quantity(q: unknown): string {
  return q === undefined || q === null ? '<unknown>' : str(q);
}

function hpaTargets(hpa: KubeObject): string {
  const specs = arr(obj(hpa.spec)['metrics']).map(obj);
  const current = arr(obj(hpa.status)['currentMetrics']).map(obj);
  if (specs.length === 0) return '<none>';
  const parts = specs.map((m, idx) => {
    const cur = obj(current[idx]);
    switch (m['type']) {
      case 'Resource':
      case 'ContainerResource': {
        const key = m['type'] === 'Resource' ? 'resource' : 'containerResource';
        const r = obj(m[key]);
        const target = obj(r['target']);
        const curVal = obj(obj(cur[key])['current']);
        const name = str(r['name']);
        if (target['averageUtilization'] !== undefined) {
          const c = curVal['averageUtilization'] !== undefined ? `${num(curVal['averageUtilization'])}%` : '<unknown>';
          return `${name}: ${c}/${num(target['averageUtilization'])}%`;
        }
        return `${name}: ${quantity(curVal['averageValue'])}/${quantity(target['averageValue'])}`;
      }
      case 'Pods': {
        const target = obj(obj(m['pods'])['target']);
        return `${quantity(obj(obj(cur['pods'])['current'])['averageValue'])}/${quantity(target['averageValue'])}`;
      }
      case 'Object': {
        const target = obj(obj(m['object'])['target']);
        const c = obj(obj(cur['object'])['current']);
        if (target['averageValue'] !== undefined)
          return `${quantity(c['averageValue'])}/${quantity(target['averageValue'])} (avg)`;
        return `${quantity(c['value'])}/${quantity(target['value'])}`;
      }
      case 'External': {
        const target = obj(obj(m['external'])['target']);
        const c = obj(obj(cur['external'])['current']);
        if (target['averageValue'] !== undefined)
          return `${quantity(c['averageValue'])}/${quantity(target['averageValue'])} (avg)`;
        return `${quantity(c['value'])}/${quantity(target['value'])}`;
      }
      default:
        return '<unknown type>';
    }
  });
  // formatHPAMetrics shows at most two metrics.
  return parts.length > 2 ? `${parts.slice(0, 2).join(', ')} + ${parts.length - 2} more...` : parts.join(', ');
}

export const hpaPrinter: Printer = {
  // MaxPods and Replicas are declared strings although their cells are numbers, as kube-apiserver declares them.
  columns: [
    ['Name', 'string'],
    ['Reference', 'string'],
    ['Targets', 'string'],
    ['MinPods', 'string'],
    ['MaxPods', 'string'],
    ['Replicas', 'string'],
    ['Age', 'string'],
  ],
  row(hpa, now) {
    const spec = obj(hpa.spec);
    const ref = obj(spec['scaleTargetRef']);
    return [
      hpa.metadata.name,
      `${str(ref['kind'])}/${str(ref['name'])}`,
      hpaTargets(hpa),
      spec['minReplicas'] !== undefined ? String(num(spec['minReplicas'])) : '<unset>',
      num(spec['maxReplicas']),
      num(obj(hpa.status)['currentReplicas']),
      since(hpa.metadata.creationTimestamp, now),
    ];
  },
};
