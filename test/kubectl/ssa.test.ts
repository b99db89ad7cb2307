import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.ts';
import { Kubectl, KUBECTL_CLIENTS } from '../support/kubectl.ts';

const configMap = (name: string, data: Record<string, string>): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ssa\ndata:\n${Object.entries(data)
    .map(([k, v]) => `  ${k}: "${v}"`)
    .join('\n')}\n`;

interface Entry {
  manager: string;
  operation: string;
  apiVersion: string;
  fieldsV1: Record<string, unknown>;
}

// Server-side apply and field ownership through the real kubectl (the machine's and 1.20). The option
// errors kubectl never sends (an apply without fieldManager, force on a merge patch) are compared with
// the real apiserver in test/differential/scenarios/ssa.ts.
for (const client of KUBECTL_CLIENTS) {
  describe(`kubectl server-side apply against the sim (${client.name})`, () => {
    let sim: SimCluster;
    let k: Kubectl;
    const old = client.name === 'kubectl 1.20';

    // kubectl 1.21+ strips managedFields from its output unless asked; 1.20 has no such flag and shows them.
    const owners = async (name: string): Promise<Entry[]> => {
      const obj = JSON.parse(
        await k.ok(['get', 'cm', name, '-n', 'ssa', '-o', 'json', ...(old ? [] : ['--show-managed-fields'])]),
      ) as { metadata: { managedFields?: Entry[] } };
      // Entries are ordered by time first: compared by manager.
      return (obj.metadata.managedFields ?? []).sort((a, b) => a.manager.localeCompare(b.manager));
    };

    beforeAll(async () => {
      sim = await startSimCluster({ port: 0, scenario: 'empty' });
      k = await Kubectl.forKubeconfig(sim.kubeconfig(), await client.path());
      await k.ok(['create', 'namespace', 'ssa']);
    }, 600_000);
    afterAll(async () => {
      await sim?.stop();
    });

    it('creates with --server-side, owned by the "kubectl" Apply manager', async () => {
      expect(await k.ok(['apply', '--server-side', '-f', '-'], { stdin: configMap('a', { x: '1', w: '1' }) })).toMatch(
        /configmap\/a serverside-applied/,
      );
      expect(await owners('a')).toEqual([
        expect.objectContaining({
          manager: 'kubectl',
          operation: 'Apply',
          apiVersion: 'v1',
          fieldsV1: { 'f:data': { 'f:x': {}, 'f:w': {} } },
        }),
      ]);
    });

    it('refuses a change to a field another applier owns, then takes it with --force-conflicts', async () => {
      const clash = await k.run(['apply', '--server-side', '--field-manager=other', '-f', '-'], {
        stdin: configMap('a', { x: '2' }),
      });
      expect(clash.code).not.toBe(0);
      expect(clash.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .data.x');
      expect((await owners('a')).map((e) => e.manager)).toEqual(['kubectl']);
      expect(
        await k.ok(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', '-'], {
          stdin: configMap('a', { x: '2' }),
        }),
      ).toMatch(/serverside-applied/);
      expect((await owners('a')).map((e) => [e.manager, e.fieldsV1])).toEqual([
        ['kubectl', { 'f:data': { 'f:w': {} } }],
        ['other', { 'f:data': { 'f:x': {} } }],
      ]);
    });

    it('removes a field its applier stopped applying when nobody else owns it', async () => {
      await k.ok(['apply', '--server-side', '-f', '-'], { stdin: configMap('a', { z: '1' }) });
      const obj = JSON.parse(await k.ok(['get', 'cm', 'a', '-n', 'ssa', '-o', 'json'])) as {
        data: Record<string, string>;
      };
      expect(obj.data).toEqual({ x: '2', z: '1' });
    });

    it('names an Update manager with its version in a conflict (client-side apply, then server-side)', async () => {
      await k.ok(['apply', '-f', '-'], { stdin: configMap('b', { x: '1' }) });
      const entries = await owners('b');
      expect(entries.map((e) => [e.manager, e.operation])).toEqual([['kubectl-client-side-apply', 'Update']]);
      const clash = await k.run(['apply', '--server-side', '-f', '-'], { stdin: configMap('b', { x: '2' }) });
      expect(clash.stderr).toContain('conflict with "kubectl-client-side-apply" using v1');
      expect(clash.stderr).toContain('.data.x');
    });

    it('shows managedFields in -o yaml only when asked (kubectl 1.21+; 1.20 always shows them)', async () => {
      const plain = await k.ok(['get', 'cm', 'a', '-n', 'ssa', '-o', 'yaml']);
      expect(plain.includes('managedFields')).toBe(old);
      const shown = old ? plain : await k.ok(['get', 'cm', 'a', '-n', 'ssa', '-o', 'yaml', '--show-managed-fields']);
      const doc = parse(shown) as { metadata: { managedFields: Entry[] } };
      expect(doc.metadata.managedFields.map((e) => e.manager).sort()).toEqual(['kubectl', 'other']);
    });
  });
}
