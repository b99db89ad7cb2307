import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Finds the real kubectl; in CI a missing binary is a failure, never a skip. */
export function kubectlPath(): string {
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    const p = join(dir, 'kubectl');
    if (dir && existsSync(p)) return p;
  }
  throw new Error(
    'kubectl is not on PATH: the kubectl conformance suite needs the real kubectl client (this machine image ships it at /usr/bin/kubectl). Install it and re-run; the suite fails rather than skipping.',
  );
}

const KUBECTL_120_SCRIPT = resolve(import.meta.dirname, '../../scripts/real-cluster/kubectl.sh');
let kubectl120: Promise<string> | undefined;

/**
 * kubectl 1.20 from Debian's kubernetes-client package, unpacked beside the real control plane's build by
 * scripts/real-cluster/kubectl.sh (never installed over the machine's kubectl). Fails, never skips, when
 * it cannot be had.
 */
export function kubectl120Path(): Promise<string> {
  kubectl120 ??= promisify(execFile)('bash', [KUBECTL_120_SCRIPT], { timeout: 10 * 60_000 }).then(
    ({ stdout }) => {
      const bin = stdout.trim().split('\n').pop() ?? '';
      if (!existsSync(bin)) throw new Error(`scripts/real-cluster/kubectl.sh printed no kubectl binary (got "${bin}")`);
      return bin;
    },
    (err: { message: string; stderr?: string }) => {
      throw new Error(
        `KUBECTL 1.20 UNAVAILABLE: scripts/real-cluster/kubectl.sh failed; the kubectl 1.20 suites fail rather than skip.\n${err.message}\n${err.stderr ?? ''}`,
        { cause: err },
      );
    },
  );
  return kubectl120;
}

/** The kubectl clients the suites run with: the machine's own and Debian's 1.20 (the control plane's version). */
export const KUBECTL_CLIENTS = [
  { name: 'machine kubectl', path: async (): Promise<string> => kubectlPath() },
  { name: 'kubectl 1.20', path: kubectl120Path },
] as const;

export class Kubectl {
  private constructor(
    private readonly bin: string,
    readonly kubeconfig: string,
  ) {}

  /** `bin`: a kubectl other than the one on PATH (kubectl120Path()). */
  static async forKubeconfig(contents: string, bin?: string): Promise<Kubectl> {
    const dir = await mkdtemp(join(tmpdir(), 'kubeloop-kubectl-'));
    const file = join(dir, 'kubeconfig.yaml');
    await writeFile(file, contents, { mode: 0o600 });
    return new Kubectl(bin ?? kubectlPath(), file);
  }

  private env(): NodeJS.ProcessEnv {
    // Keep kubectl off the user's own config and cache.
    return {
      ...process.env,
      KUBECONFIG: this.kubeconfig,
      HOME: join(this.kubeconfig, '..'),
      KUBECACHEDIR: join(this.kubeconfig, '..', 'cache'),
    };
  }

  run(args: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = execFile(
        this.bin,
        ['--request-timeout=20s', ...args],
        { env: this.env(), timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err
            ? typeof (err as { code?: unknown }).code === 'number'
              ? (err as { code: number }).code
              : 1
            : 0;
          resolve({ code, stdout, stderr });
        },
      );
      if (opts.stdin !== undefined) child.stdin?.end(opts.stdin);
    });
  }

  /** Runs `kubectl` and fails with its stderr when it exits non-zero. */
  async ok(args: string[], opts: { stdin?: string } = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  /** A long-running kubectl (get -w, logs -f) whose output is collected until stopped. */
  spawn(args: string[]): { proc: ChildProcess; output: () => string; stop: () => void } {
    const proc = spawn(this.bin, args, { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    return { proc, output: () => out, stop: () => proc.kill('SIGTERM') };
  }
}

export async function waitFor(cond: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
