import { kubeJson } from '../../kube/http.ts';
import { apiFailure, nodePath } from './target-paths.ts';
import type { ActionHandler } from './types.ts';

/**
 * cordon_node: mark the trigger's node unschedulable, as `kubectl cordon` does (a merge patch of
 * spec.unschedulable), so no new pods land on a node that is misbehaving. Running pods stay: a
 * drain is a bigger decision than an automated action should make. The node is read first so an
 * already cordoned node is reported as such rather than patched again.
 */
export const cordonNode: ActionHandler<'cordon_node'> = {
  action: 'cordon_node',
  mutates: true,
  needs: 'node',
  async run(env) {
    const node = env.node;
    if (!node) return { outcome: 'skipped', summary: 'the trigger names no node' };
    const acted = { kind: 'Node', name: node };
    const path = nodePath(node);
    try {
      const obj = await kubeJson<{ spec?: { unschedulable?: boolean } }>(env.kc, { method: 'GET', path });
      const before = { unschedulable: obj.spec?.unschedulable === true };
      if (before.unschedulable)
        return { outcome: 'skipped', summary: `node ${node} is already cordoned`, before, acted };
      const after = { unschedulable: true };
      if (env.dryRun)
        return { outcome: 'succeeded', summary: `dry run: would cordon node ${node}`, before, after, acted };
      await kubeJson(env.kc, {
        method: 'PATCH',
        path,
        contentType: 'application/merge-patch+json',
        body: { spec: { unschedulable: true } },
      });
      return { outcome: 'succeeded', summary: `cordoned node ${node}`, before, after, acted };
    } catch (err) {
      return apiFailure(err, `cordon_node ${node}`);
    }
  },
};
