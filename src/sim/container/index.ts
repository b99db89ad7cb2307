import type { KubeObject } from '../api/registry.ts';
import { isPlainObject } from '../../util/deep-equal.ts';
import { BUILTINS, type CommandIo } from './commands.ts';
import { parseScript, ShellSyntaxError, type SimpleCommand } from './shell-parse.ts';
import { MemoryFs, type VirtualFs } from './vfs.ts';
import { containerStartedAt, ProcFs } from '../workloads/proc.ts';

export { MemoryFs, type VirtualFs } from './vfs.ts';

/** Where an exec'd command runs: the container's filesystem, environment and hostname. */
export interface ContainerEnv {
  fs: VirtualFs;
  env: Record<string, string>;
  hostname: string;
}

export interface RunIo {
  env: ContainerEnv;
  stdin: AsyncIterable<Buffer> | null;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  signal: AbortSignal;
}

/**
 * Runs argv as a minimal container image would: a busybox-like set of tools and `sh -c`.
 * An unknown program exits 127 with the runtime's "not found in $PATH" message.
 */
export async function runCommand(argv: string[], io: RunIo): Promise<number> {
  const reader = new StdinReader(io.stdin);
  const readStdin = (): Promise<string> => reader.until(() => false);
  const [cmd, ...args] = argv;
  if (cmd === undefined) return 0;
  if (cmd === 'sh' || cmd === '/bin/sh' || cmd === 'bash' || cmd === '/bin/bash') {
    if (args[0] === '-c' && args[1] !== undefined) return runScript(args[1], io, readStdin);
    const script = await readStdin();
    return runScript(script, io, readStdin);
  }
  const builtin = BUILTINS[basename(cmd)];
  if (!builtin) {
    io.stderr(`exec: "${cmd}": executable file not found in $PATH\n`);
    return 127;
  }
  return builtin(args, {
    env: io.env,
    stdin: readStdin,
    stdinUntil: (enough) => reader.until(enough),
    out: io.stdout,
    err: io.stderr,
    signal: io.signal,
  });
}

/** Stdin read as far as a command needs, once: later reads see what earlier ones consumed. */
class StdinReader {
  private text = '';
  private ended = false;
  private it: AsyncIterator<Buffer> | undefined;
  private busy: Promise<string> = Promise.resolve('');

  constructor(private readonly source: AsyncIterable<Buffer> | null) {}

  until(enough: (text: string) => boolean): Promise<string> {
    this.busy = this.busy.then(() => this.read(enough));
    return this.busy;
  }

  private async read(enough: (text: string) => boolean): Promise<string> {
    if (!this.source) return '';
    this.it ??= this.source[Symbol.asyncIterator]();
    while (!this.ended && !enough(this.text)) {
      const next = await this.it.next();
      if (next.done) this.ended = true;
      else this.text += next.value.toString('utf8');
    }
    return this.text;
  }
}

/** Whether argv[0] names a program of the image (the shells and the busybox-like builtins). */
export function isExecutable(cmd: string): boolean {
  return ['sh', '/bin/sh', 'bash', '/bin/bash'].includes(cmd) || BUILTINS[basename(cmd)] !== undefined;
}

function basename(cmd: string): string {
  return cmd.slice(cmd.lastIndexOf('/') + 1);
}

async function runScript(src: string, io: RunIo, readStdin: () => Promise<string>): Promise<number> {
  let status = 0;
  const vars = (): Record<string, string> => ({ ...io.env.env, '?': String(status) });
  let script;
  try {
    script = parseScript(src, vars());
  } catch (err) {
    if (err instanceof ShellSyntaxError) {
      io.stderr(`sh: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  for (const step of script.steps) {
    if (step.op === '&&' && status !== 0) continue;
    if (step.op === '||' && status === 0) continue;
    if (io.signal.aborted) return 130;
    const exit = await runPipeline(step.pipeline.commands, io, readStdin);
    if (exit.exited) return exit.code;
    status = exit.code;
  }
  return status;
}

async function runPipeline(
  commands: SimpleCommand[],
  io: RunIo,
  readStdin: () => Promise<string>,
): Promise<{ code: number; exited: boolean }> {
  let input: (() => Promise<string>) | undefined;
  let code = 0;
  for (let i = 0; i < commands.length; i++) {
    const c = commands[i] as SimpleCommand;
    const last = i === commands.length - 1;
    let captured = '';
    const sinks: Record<1 | 2, (s: string) => void> = { 1: last ? io.stdout : (s) => (captured += s), 2: io.stderr };
    const out = c.stdoutTo === null ? () => {} : c.stdoutTo === 2 ? io.stderr : sinks[1];
    const err = c.stderrTo === null ? () => {} : c.stderrTo === 1 ? sinks[1] : io.stderr;
    const [cmd, ...args] = c.argv;
    if (cmd === 'exit') {
      const n = args[0] === undefined ? 0 : Number(args[0]);
      return { code: Number.isInteger(n) ? n & 255 : 2, exited: true };
    }
    const cmdIo: CommandIo = { env: io.env, stdin: input ?? readStdin, out, err, signal: io.signal };
    const builtin = cmd === undefined ? undefined : BUILTINS[basename(cmd)];
    if (!builtin) {
      err(`sh: ${cmd ?? ''}: not found\n`);
      code = 127;
    } else {
      code = await builtin(args, cmdIo);
    }
    const text = captured;
    input = () => Promise.resolve(text);
  }
  return { code, exited: false };
}

/**
 * The default environment of a container: hostname files, env from the pod spec, and a computed
 * /proc (processes, sockets, leaks growing with uptime) read against `now` (default: wall clock).
 */
export function defaultContainerEnv(opts: {
  hostname: string;
  pod: KubeObject;
  container: string;
  now?: () => Date;
  currentPod?: () => KubeObject | undefined;
}): ContainerEnv {
  const fs = new MemoryFs()
    .writeFile('/etc/hostname', `${opts.hostname}\n`)
    .writeFile('/etc/hosts', `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n`)
    .writeFile('/etc/os-release', 'NAME="Kubeloop Sim Linux"\nID=kubeloop-sim\nVERSION_ID=1\n')
    .writeFile(
      '/etc/resolv.conf',
      // The resolv.conf a pod sees in the sim's virtual filesystem: text only, nothing resolves through it.
      `search ${opts.pod.metadata.namespace ?? 'default'}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n`,
    )
    .mkdir('/proc')
    .mkdir('/tmp')
    .mkdir('/app');
  // Only a running container has processes to show; otherwise /proc stays a plain directory.
  if (containerStartedAt(opts.pod, opts.container) !== undefined) {
    const now = opts.now ?? (() => new Date());
    // The pod is re-read at each access: after a restart /proc shows the new instance's uptime.
    fs.mount(
      '/proc',
      new ProcFs(() => ({ pod: opts.currentPod?.() ?? opts.pod, container: opts.container, now: now() })),
    );
  }
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: opts.hostname,
    HOME: '/root',
  };
  const spec = isPlainObject(opts.pod.spec) ? opts.pod.spec : {};
  const containers = Array.isArray(spec['containers']) ? spec['containers'] : [];
  const c = containers.find((x) => isPlainObject(x) && x['name'] === opts.container);
  if (isPlainObject(c) && Array.isArray(c['env'])) {
    for (const e of c['env'])
      if (isPlainObject(e) && typeof e['name'] === 'string' && typeof e['value'] === 'string')
        env[e['name']] = e['value'];
  }
  return { fs, env, hostname: opts.hostname };
}
