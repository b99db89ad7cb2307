import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startRealCluster, type RealCluster } from '../support/real-cluster/real-cluster.ts';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.ts';
import { makeTarget, type Target } from './target.ts';
import { Recorder, type Scenario } from './scenario.ts';
import { formatDifference } from './diff.ts';
import { loadAllowlist, unusedEntries } from './allowlist.ts';
import { writeFileSync } from 'node:fs';
import { compareRecordings } from './compare.ts';
import { crud } from './scenarios/crud.ts';
import { errors } from './scenarios/errors.ts';
import { list } from './scenarios/list.ts';
import { watch } from './scenarios/watch.ts';
import { lifecycle } from './scenarios/lifecycle.ts';
import { discovery } from './scenarios/discovery.ts';
import { tables } from './scenarios/tables.ts';
import { workloads } from './scenarios/workloads.ts';
import { endpointsScenario } from './scenarios/endpoints.ts';
import { jobs } from './scenarios/jobs.ts';
import { kubectl120Scenario, kubectlScenario } from './scenarios/kubectl.ts';
import { openapi } from './scenarios/openapi.ts';
import { compaction } from './scenarios/compaction.ts';
import { clientNode } from './scenarios/client-node.ts';
import { eventsScenario } from './scenarios/events.ts';
import { autoscaling } from './scenarios/autoscaling.ts';
import { ssa } from './scenarios/ssa.ts';

const SCENARIOS: Scenario[] = [
  crud,
  errors,
  list,
  watch,
  lifecycle,
  discovery,
  tables,
  workloads,
  endpointsScenario,
  jobs,
  kubectlScenario,
  kubectl120Scenario,
  openapi,
  compaction,
  clientNode,
  eventsScenario,
  autoscaling,
  ssa,
];
const allow = loadAllowlist(join(import.meta.dirname, 'allowlist.yaml'));

let real: RealCluster;
let sim: SimCluster;
let realT: Target;
let simT: Target;
const figures = { scenarios: 0, steps: 0, leaves: 0, differences: 0, allowed: 0, startupMs: 0 };

beforeAll(async () => {
  const start = Date.now();
  // Leases run without the watch cache on the real side, so an etcd compaction reaches watches (the 410 path).
  [real, sim] = await Promise.all([
    startRealCluster({ apiserverArgs: ['--watch-cache-sizes=leases.coordination.k8s.io#0'] }),
    startSimCluster({ scenario: 'empty', watchWindow: 100, controllers: { scheduler: false, kubelet: false } }),
  ]);
  figures.startupMs = Date.now() - start;
  realT = makeTarget('real', real.server, real.adminToken, real.caCert, real.kubeconfig(), async (rv) => {
    const r = await fetch(`${real.etcdUrl}/v3/kv/compaction`, {
      method: 'POST',
      body: JSON.stringify({ revision: rv, physical: true }),
    });
    if (!r.ok) throw new Error(`etcd compaction failed: ${r.status} ${await r.text()}`);
  });
  simT = makeTarget('sim', sim.url, sim.tokens.admin, sim.caCert ?? '', sim.kubeconfig(), async (rv) =>
    sim.store.compact(Number(rv)),
  );
}, 1_800_000);

afterAll(async () => {
  await Promise.all([real?.stop(), sim?.stop()]);
  process.stdout.write(
    `differential figures: scenarios ${figures.scenarios}, steps compared ${figures.steps}, assertions (leaves) compared ${figures.leaves}, ` +
      `differences outside the allowlist ${figures.differences}, allowed differences ${figures.allowed}, allowlist size ${allow.length}, ` +
      `control planes started in ${(figures.startupMs / 1000).toFixed(1)} s; real control plane ${real?.version ?? '?'}: ` +
      `cold build ${real?.build.coldSeconds ?? '?'} s (recorded when built), binaries ready this run in ${((real?.build.ensureMs ?? 0) / 1000).toFixed(1)} s\n`,
  );
});

describe('the sim against a real kube-apiserver 1.20', () => {
  for (const scenario of SCENARIOS) {
    it(
      scenario.name,
      async () => {
        const recReal = new Recorder();
        const recSim = new Recorder();
        await scenario.run(realT, recReal);
        await scenario.run(simT, recSim);
        figures.scenarios++;
        const { steps, leaves, allowed, unexplained } = compareRecordings(scenario.name, recReal, recSim, allow);
        figures.steps += steps;
        figures.leaves += leaves;
        figures.allowed += allowed;
        figures.differences += unexplained.length;
        expect(
          unexplained,
          `differences between the sim and the real apiserver:\n${unexplained.map(formatDifference).join('\n')}`,
        ).toEqual([]);
      },
      300_000,
    );
  }

  // Runs after every scenario (tests in a file run in order): an entry nothing matched hides nothing today
  // and would hide a future regression, so it must go or be narrowed to what it is for.
  it('every allowlist entry explains a difference that occurred', () => {
    if (process.env['KUBELOOP_DIFF_ALLOWLIST_REPORT'])
      writeFileSync(
        process.env['KUBELOOP_DIFF_ALLOWLIST_REPORT'],
        JSON.stringify(
          allow.map((a) => ({ path: a.path, reason: a.reason, matched: a.matched })),
          null,
          1,
        ),
      );
    expect(
      unusedEntries(allow).map((a) => a.path),
      'allowlist entries that matched no difference',
    ).toEqual([]);
  });
});
