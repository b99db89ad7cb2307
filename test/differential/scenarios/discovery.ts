import { call } from '../target.ts';
import type { Scenario } from '../scenario.ts';

interface ResourceEntry { name: string; [k: string]: unknown }

/** Discovery documents for the groups both serve, limited to the resources the sim serves. */
export const discovery: Scenario = {
  name: 'discovery',
  async run(t, rec) {
    const sim = ['v1', 'apps/v1', 'coordination.k8s.io/v1', 'apiregistration.k8s.io/v1', 'batch/v1', 'events.k8s.io/v1', 'discovery.k8s.io/v1', 'autoscaling/v1'];
    const served = new Set(['namespaces', 'namespaces/status', 'pods', 'pods/status', 'pods/log', 'pods/exec', 'pods/eviction', 'pods/binding', 'services', 'services/status', 'endpoints', 'events',
      'nodes', 'nodes/status', 'configmaps', 'secrets', 'serviceaccounts', 'deployments', 'deployments/status', 'deployments/scale', 'replicasets', 'replicasets/status', 'replicasets/scale',
      'statefulsets', 'statefulsets/status', 'statefulsets/scale', 'daemonsets', 'daemonsets/status', 'jobs', 'jobs/status', 'leases', 'apiservices', 'apiservices/status', 'endpointslices',
      'horizontalpodautoscalers', 'horizontalpodautoscalers/status']);
    const api = (await call(t, 'GET', '/api')).body as { serverAddressByClientCIDRs?: unknown[] };
    rec.record('api', { ...api, serverAddressByClientCIDRs: api.serverAddressByClientCIDRs?.length });
    for (const gv of sim) {
      const path = gv === 'v1' ? '/api/v1' : `/apis/${gv}`;
      const r = await call(t, 'GET', path);
      const body = r.body as { resources?: ResourceEntry[] };
      rec.record(gv, { status: r.status, ...(body.resources ? { ...body, resources: body.resources.filter((e) => served.has(e.name)) } : { body }) });
    }
    for (const g of ['apps', 'batch']) rec.record(`group ${g}`, await call(t, 'GET', `/apis/${g}`));
    rec.record('version keys', Object.keys((await call(t, 'GET', '/version')).body as object).sort());
  },
};
