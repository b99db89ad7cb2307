/**
 * Not part of `npm run bench`: what holds `kubeloop up`'s heap. Starts the sim child with N
 * realistic pods (managedFields included), then `kubeloop up` against it; once every pod is cached
 * and 10 s more, SIGUSR2 makes Node write a heap snapshot (after a full GC) into the printed
 * directory, to open in Chrome DevTools (Memory tab). Usage:
 *   node --import tsx bench/monitor/heap-probe.ts 2000
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild } from '../support/child.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { startUp } from './up-process.ts';
import { steadyPlan } from './workloads.ts';

const pods = Number(process.argv[2] ?? 2000);
const sim = await startChild('sim', new URL('./sim-child.ts', import.meta.url), {
  nodes: Math.ceil(pods / 100),
  kubelet: {},
  managedFields: true,
});
const kubeconfig = await sim.request<string>('kubeconfig');
const plan = steadyPlan(pods, Math.ceil(pods / 100));
await sim.request('setup', plan, 600_000);
await waitFor(
  'pods',
  900_000,
  async () => ((await sim.request<{ started: number }>('progress')).started >= pods ? true : undefined),
  () => '',
  1000,
);
const dir = await mkdtemp(join(tmpdir(), 'kubeloop-heap-'));
await writeFile(join(dir, 'kc.yaml'), kubeconfig);
const up = await startUp(join(dir, 'kc.yaml'), dir, ['--heapsnapshot-signal=SIGUSR2']);
await waitFor(
  'cached',
  600_000,
  async () => ((await up.cachedPods()) >= pods ? true : undefined),
  () => '',
  500,
);
await sleep(10_000);
process.kill(up.pid, 'SIGUSR2');
await sleep(30_000);
process.stdout.write(`heap snapshot in ${dir}; ${JSON.stringify(await up.heap())}\n`);
await up.stop();
await sim.stop();
