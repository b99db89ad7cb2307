import type { KubeObject } from '../registry.ts';
import { arr, num, obj, since, str } from './format.ts';
import type { Printer } from './printer.ts';

const age = (o: KubeObject, now: Date): string => since(o.metadata.creationTimestamp, now);

function countData(o: KubeObject, ...fields: string[]): number {
  return fields.reduce((n, f) => n + Object.keys(obj(o[f])).length, 0);
}

/** "10.0.0.1:80,10.0.0.2:80 + 3 more...", as formatEndpoints prints at most 3. */
function endpointsList(addrs: string[]): string {
  if (addrs.length === 0) return '<none>';
  const shown = addrs.slice(0, 3).join(',');
  return addrs.length > 3 ? `${shown} + ${addrs.length - 3} more...` : shown;
}

export const namespacePrinter: Printer = {
  columns: [
    ['Name', 'string'],
    ['Status', 'string'],
    ['Age', 'string'],
  ],
  row: (ns, now) => [ns.metadata.name, str(obj(ns.status)['phase']), age(ns, now)],
};

export const configMapPrinter: Printer = {
  // The printer declares Data a string column while its cells are integers; kept as it is.
  columns: [
    ['Name', 'string'],
    ['Data', 'string'],
    ['Age', 'string'],
  ],
  row: (cm, now) => [cm.metadata.name, countData(cm, 'data', 'binaryData'), age(cm, now)],
};

export const secretPrinter: Printer = {
  columns: [
    ['Name', 'string'],
    ['Type', 'string'],
    ['Data', 'string'],
    ['Age', 'string'],
  ],
  row: (s, now) => [s.metadata.name, str(s['type'], 'Opaque'), countData(s, 'data'), age(s, now)],
};

export const serviceAccountPrinter: Printer = {
  columns: [
    ['Name', 'string'],
    ['Secrets', 'integer'],
    ['Age', 'string'],
  ],
  row: (sa, now) => [sa.metadata.name, arr(sa['secrets']).length, age(sa, now)],
};

export const endpointsPrinter: Printer = {
  columns: [
    ['Name', 'string'],
    ['Endpoints', 'string'],
    ['Age', 'string'],
  ],
  row(ep, now) {
    const addrs: string[] = [];
    for (const subset of arr(ep['subsets']).map(obj)) {
      const ports = arr(subset['ports']).map(obj);
      for (const a of arr(subset['addresses']).map(obj)) {
        if (ports.length === 0) addrs.push(str(a['ip']));
        else for (const p of ports) addrs.push(`${str(a['ip'])}:${num(p['port'])}`);
      }
    }
    return [ep.metadata.name, endpointsList(addrs), age(ep, now)];
  },
};

export const endpointSlicePrinter: Printer = {
  columns: [
    ['Name', 'string'],
    ['AddressType', 'string'],
    ['Ports', 'string'],
    ['Endpoints', 'string'],
    ['Age', 'string'],
  ],
  row(es, now) {
    const ports = arr(es['ports'])
      .map(obj)
      .map((p) => (p['port'] === undefined ? '<unset>' : String(num(p['port']))));
    const addrs = arr(es['endpoints'])
      .map(obj)
      .flatMap((e) => arr(e['addresses']).map((a) => str(a)));
    return [
      es.metadata.name,
      str(es['addressType']),
      ports.length > 0 ? ports.join(',') : '<unset>',
      endpointsList(addrs),
      age(es, now),
    ];
  },
};

export const leasePrinter: Printer = {
  columns: [
    ['Name', 'string'],
    ['Holder', 'string'],
    ['Age', 'string'],
  ],
  row: (l, now) => [l.metadata.name, str(obj(l.spec)['holderIdentity']), age(l, now)],
};

export const pdbPrinter: Printer = {
  columns: [
    ['Name', 'string'],
    ['Min Available', 'string'],
    ['Max Unavailable', 'string'],
    ['Allowed Disruptions', 'integer'],
    ['Age', 'string'],
  ],
  row(pdb, now) {
    const spec = obj(pdb.spec);
    return [
      pdb.metadata.name,
      spec['minAvailable'] !== undefined ? str(spec['minAvailable']) : 'N/A',
      spec['maxUnavailable'] !== undefined ? str(spec['maxUnavailable']) : 'N/A',
      num(obj(pdb.status)['disruptionsAllowed']),
      age(pdb, now),
    ];
  },
};

export const apiServicePrinter: Printer = {
  columns: [
    ['Name', 'string'],
    ['Service', 'string'],
    ['Available', 'string'],
    ['Age', 'string'],
  ],
  row(a, now) {
    const svc = obj(obj(a.spec)['service']);
    const service = svc['name'] ? `${str(svc['namespace'])}/${str(svc['name'])}` : 'Local';
    const cond = arr(obj(a.status)['conditions'])
      .map(obj)
      .find((c) => c['type'] === 'Available');
    const available = !cond
      ? 'Unknown'
      : cond['status'] === 'True'
        ? 'True'
        : `${str(cond['status'])} (${str(cond['reason'])})`;
    return [a.metadata.name, service, available, age(a, now)];
  },
};

/** The generic storage's default: Name and Created At. */
export const defaultPrinter: Printer = {
  columns: [
    ['Name', 'string'],
    ['Created At', 'date'],
  ],
  row: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? null],
};
