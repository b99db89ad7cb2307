import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { CONTAINERD_SOCKET } from './host.ts';

const exec = promisify(execFile);
const REPO = resolve(import.meta.dirname, '../../..');
export const KUBELOOP_IMAGE = 'kubeloop.local/kubeloop:dev';

/**
 * Builds the image of Kubeloop itself from this checkout (compiled bundle + web UI + this machine's
 * Node runtime; scripts/real-cluster/kubeloop-image.sh, cached by content) and imports it into the
 * node's containerd, as an image would arrive on a node with no registry.
 */
export async function importKubeloopImage(): Promise<string> {
  try {
    await exec('node', [resolve(REPO, 'scripts/build.mjs')], { cwd: REPO });
    const { stdout } = await exec('bash', [resolve(REPO, 'scripts/real-cluster/kubeloop-image.sh')], {
      cwd: REPO,
      maxBuffer: 16 * 1024 * 1024,
      timeout: 10 * 60_000,
    });
    const archive = stdout.trim().split('\n').pop() ?? '';
    await exec('ctr', ['-a', CONTAINERD_SOCKET, '-n', 'k8s.io', 'images', 'import', archive], { timeout: 5 * 60_000 });
    return KUBELOOP_IMAGE;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(
      `could not build or import the Kubeloop image: ${e.message}\n${(e.stderr ?? '').split('\n').slice(-20).join('\n')}`,
      { cause: err },
    );
  }
}
