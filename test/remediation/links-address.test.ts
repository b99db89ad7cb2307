import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.ts';
import { startHarness, type Harness } from './support.ts';

const run = promisify(execFile);
const CLI = join(process.cwd(), 'bin/kubeloop.mjs');
const urlIn = (stdout: string): string | undefined =>
  /https?:\/\/\S+\/api\/v1\/alerts\/[A-Za-z0-9_-]{32}/.exec(stdout)?.[0];

/**
 * `kubeloop links create` prints the address of the running platform: server.publicUrl when set,
 * else the address `up` listens on (here a port 0 chose), never the default port 7420.
 */
let sim: SimCluster;
let h: Harness;
let dataDir: string;

beforeAll(async () => {
  sim = await startSimCluster({ port: 0, scenario: 'empty' });
  dataDir = await mkdtemp(join(tmpdir(), 'kubeloop-links-address-'));
  h = await startHarness(sim.kubeconfig(), { playbooks: [] }, { dataDir });
}, 120_000);

afterAll(async () => {
  await h?.stop();
  await sim?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the URL `links create` prints', () => {
  it('is the address the running platform listens on, and the printed URL accepts an alert', async () => {
    expect(h.platform.url).not.toMatch(/:7420$/);
    const out = await run(process.execPath, [
      CLI,
      'links',
      'create',
      '--data',
      dataDir,
      '--name',
      'at-listen',
      '--source',
      'generic',
    ]);
    const url = urlIn(out.stdout);
    expect(url, out.stdout).toBeDefined();
    expect(url?.startsWith(`${h.platform.url}/api/v1/alerts/`)).toBe(true);
    const res = await fetch(url ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ labels: { alertname: 'X' }, status: 'firing' }),
    });
    expect(res.status).toBe(202);
  }, 60_000);

  it('is server.publicUrl when the configuration sets it', async () => {
    const config = join(dataDir, 'kubeloop.yaml');
    await writeFile(config, 'server: { publicUrl: "https://kubeloop.example.com/" }\n');
    const out = await run(process.execPath, [
      CLI,
      'links',
      'create',
      '--config',
      config,
      '--data',
      dataDir,
      '--name',
      'at-public',
      '--source',
      'alertmanager',
    ]);
    expect(urlIn(out.stdout)?.startsWith('https://kubeloop.example.com/api/v1/alerts/')).toBe(true);
  }, 60_000);

  it('is not guessed when no platform ever ran on the data directory: the path and how to find the address', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'kubeloop-links-empty-'));
    try {
      const out = await run(process.execPath, [
        CLI,
        'links',
        'create',
        '--data',
        empty,
        '--name',
        'no-address',
        '--source',
        'grafana',
      ]);
      expect(urlIn(out.stdout)).toBeUndefined();
      expect(out.stdout).toMatch(/\n {2}\/api\/v1\/alerts\/[A-Za-z0-9_-]{32}\n/);
      expect(out.stdout).toContain('server.publicUrl');
      expect(out.stdout).not.toContain('7420');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  }, 60_000);
});
