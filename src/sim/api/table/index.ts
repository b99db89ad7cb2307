import type { KubeObject, ResourceDef } from '../registry.ts';
import { storageDef, storageForm } from '../registry.ts';
import { storedSourceOf } from '../store/views.ts';
import type { Printer } from './printer.ts';
import { coreEventPrinter, nodePrinter, podPrinter, servicePrinter } from './printers-core.ts';
import {
  cronJobPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  hpaPrinter,
  jobPrinter,
  replicaSetPrinter,
  statefulSetPrinter,
} from './printers-workloads.ts';
import {
  apiServicePrinter,
  configMapPrinter,
  defaultPrinter,
  endpointSlicePrinter,
  endpointsPrinter,
  leasePrinter,
  namespacePrinter,
  pdbPrinter,
  secretPrinter,
  serviceAccountPrinter,
} from './printers-misc.ts';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  includeObject: IncludeObject;
  now: Date;
  listMeta?: Record<string, unknown>;
}

const PRINTERS: Record<string, Printer> = {
  Pod: podPrinter,
  Service: servicePrinter,
  Node: nodePrinter,
  Deployment: deploymentPrinter,
  ReplicaSet: replicaSetPrinter,
  StatefulSet: statefulSetPrinter,
  DaemonSet: daemonSetPrinter,
  Job: jobPrinter,
  CronJob: cronJobPrinter,
  HorizontalPodAutoscaler: hpaPrinter,
  Namespace: namespacePrinter,
  ConfigMap: configMapPrinter,
  Secret: secretPrinter,
  ServiceAccount: serviceAccountPrinter,
  Endpoints: endpointsPrinter,
  EndpointSlice: endpointSlicePrinter,
  Lease: leasePrinter,
  PodDisruptionBudget: pdbPrinter,
  APIService: apiServicePrinter,
  Event: coreEventPrinter,
};

function printerFor(def: ResourceDef): Printer {
  return PRINTERS[def.kind] ?? defaultPrinter;
}

const FORMAT: Record<string, string> = { Name: 'name' };

/**
 * A meta.k8s.io/v1 Table of the objects, with the columns kube-apiserver's printers produce. The
 * printers read the storage form, as kube-apiserver prints the internal object (a view such as
 * events.k8s.io/v1 prints like core/v1, autoscaling/v1 like v2); the objects in the rows stay in
 * the requested version.
 */
export function toTable(def: ResourceDef, objects: readonly KubeObject[], opts: TableOptions): Record<string, unknown> {
  const printer = printerFor(storageDef(def));
  const columnDefinitions = printer.columns.map(([name, type, priority]) => ({
    name,
    type,
    format: FORMAT[name] ?? '',
    description: `${name} of the ${def.kind}`,
    priority: priority ?? 0,
  }));
  const rows = objects.map((o) => {
    const printed = storedSourceOf(o) ?? storageForm(def, o);
    const row: Record<string, unknown> = { cells: safeRow(printer, printed, opts.now) };
    const conditions = printer.conditions?.(printed);
    if (conditions) row['conditions'] = conditions;
    if (opts.includeObject === 'Object') row['object'] = o;
    else if (opts.includeObject === 'Metadata') {
      row['object'] = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
    }
    return row;
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: opts.listMeta ?? {}, columnDefinitions, rows };
}

/** Printers read odd objects defensively; a row never fails the whole listing. */
function safeRow(printer: Printer, o: KubeObject, now: Date): unknown[] {
  try {
    return printer.row(o, now);
  } catch {
    return printer.columns.map((_c, i) => (i === 0 ? (o.metadata.name ?? '') : '<unknown>'));
  }
}
