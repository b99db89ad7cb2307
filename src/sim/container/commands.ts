import { normalizePath } from './vfs.ts';
import type { ContainerEnv } from './index.ts';

/** What a builtin gets: its arguments, stdin text (if piped) and output sinks. */
export interface CommandIo {
  env: ContainerEnv;
  stdin: () => Promise<string>;
  /**
   * Stdin read only until `enough` holds for what arrived (or it ends): `head -n 1` returns after
   * one line, as busybox's does, where a client cannot close stdin (the v4 exec protocol).
   */
  stdinUntil?: (enough: (text: string) => boolean) => Promise<string>;
  out: (s: string) => void;
  err: (s: string) => void;
  signal: AbortSignal;
}

export type Builtin = (args: string[], io: CommandIo) => Promise<number> | number;

function readFileOrStdin(name: string, io: CommandIo, cmd: string): Promise<string | undefined> | string | undefined {
  if (name === '-') return io.stdin();
  const p = normalizePath(name);
  const kind = io.env.fs.stat(p);
  if (kind === 'dir') {
    io.err(`${cmd}: read error: Is a directory\n`);
    return undefined;
  }
  const text = io.env.fs.read(p);
  if (text === undefined) io.err(`${cmd}: can't open '${name}': No such file or directory\n`);
  return text;
}

async function filesOrStdin(args: string[], io: CommandIo, cmd: string): Promise<{ texts: string[]; failed: boolean }> {
  if (args.length === 0) return { texts: [await io.stdin()], failed: false };
  const texts: string[] = [];
  let failed = false;
  for (const a of args) {
    const t = await readFileOrStdin(a, io, cmd);
    if (t === undefined) failed = true;
    else texts.push(t);
  }
  return { texts, failed };
}

function lines(text: string): string[] {
  const ls = text.split('\n');
  if (ls[ls.length - 1] === '') ls.pop();
  return ls;
}

function countArg(args: string[], dflt: number): { n: number; rest: string[] } {
  const rest: string[] = [];
  let n = dflt;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-n') n = Number(args[++i]);
    else if (/^-n\d+$/.test(a)) n = Number(a.slice(2));
    else if (/^-\d+$/.test(a)) n = Number(a.slice(1));
    else rest.push(a);
  }
  return { n, rest };
}

export const BUILTINS: Record<string, Builtin> = {
  true: () => 0,
  false: () => 1,
  pwd: (_a, io) => {
    io.out('/\n');
    return 0;
  },
  hostname: (_a, io) => {
    io.out(`${io.env.hostname}\n`);
    return 0;
  },
  echo: (args, io) => {
    const noNewline = args[0] === '-n';
    io.out(`${(noNewline ? args.slice(1) : args).join(' ')}${noNewline ? '' : '\n'}`);
    return 0;
  },
  env: (_a, io) => {
    io.out(
      Object.entries(io.env.env)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    return 0;
  },
  printenv: (args, io) => {
    if (args.length === 0) return BUILTINS['env']?.(args, io) ?? 0;
    let code = 0;
    for (const a of args) {
      const v = io.env.env[a];
      if (v === undefined) code = 1;
      else io.out(`${v}\n`);
    }
    return code;
  },
  cat: async (args, io) => {
    const { texts, failed } = await filesOrStdin(args, io, 'cat');
    io.out(texts.join(''));
    return failed ? 1 : 0;
  },
  ls: (args, io) => {
    const showAll = args.includes('-a') || args.includes('-la') || args.includes('-al');
    const targets = args.filter((a) => !a.startsWith('-'));
    let code = 0;
    for (const target of targets.length > 0 ? targets : ['.']) {
      const p = normalizePath(target === '.' ? '/' : target);
      const kind = io.env.fs.stat(p);
      if (!kind) {
        io.err(`ls: ${target}: No such file or directory\n`);
        code = 1;
        continue;
      }
      if (kind === 'file') io.out(`${target}\n`);
      else {
        // ls sorts names (a computed /proc lists pids in numeric order).
        const names = [...(io.env.fs.list(p) ?? [])].sort();
        io.out(
          [...(showAll ? ['.', '..'] : []), ...names.filter((n) => showAll || !n.startsWith('.'))]
            .map((n) => `${n}\n`)
            .join(''),
        );
      }
    }
    return code;
  },
  sleep: (args, io) =>
    new Promise<number>((resolve) => {
      const secs = Number(args[0]);
      if (!Number.isFinite(secs) || secs < 0) {
        io.err(`sleep: invalid number '${args[0] ?? ''}'\n`);
        resolve(1);
        return;
      }
      const timer = setTimeout(() => resolve(0), secs * 1000);
      io.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve(130);
        },
        { once: true },
      );
    }),
  grep: async (args, io) => {
    const flags = new Set(args.filter((a) => /^-[cvwiF]+$/.test(a)).flatMap((a) => a.slice(1).split('')));
    const rest = args.filter((a) => !/^-[cvwiF]+$/.test(a));
    const pattern = rest[0];
    if (pattern === undefined) {
      io.err('Usage: grep [-cvwiF] PATTERN [FILE]...\n');
      return 2;
    }
    let re: RegExp;
    try {
      const src = flags.has('F') ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : pattern;
      re = new RegExp(flags.has('w') ? `\\b(?:${src})\\b` : src, flags.has('i') ? 'i' : '');
    } catch {
      io.err(`grep: bad regex '${pattern}'\n`);
      return 2;
    }
    const { texts, failed } = await filesOrStdin(rest.slice(1), io, 'grep');
    const hits = texts.flatMap(lines).filter((l) => re.test(l) !== flags.has('v'));
    io.out(flags.has('c') ? `${hits.length}\n` : hits.map((l) => `${l}\n`).join(''));
    if (failed) return 2;
    return hits.length > 0 ? 0 : 1;
  },
  wc: async (args, io) => {
    const rest = args.filter((a) => !a.startsWith('-'));
    const { texts, failed } = await filesOrStdin(rest, io, 'wc');
    const text = texts.join('');
    const nl = (text.match(/\n/g) ?? []).length;
    if (args.includes('-l')) io.out(`${nl}\n`);
    else io.out(`${nl} ${text.split(/\s+/).filter((w) => w !== '').length} ${Buffer.byteLength(text)}\n`);
    return failed ? 1 : 0;
  },
  head: async (args, io) => {
    const { n, rest } = countArg(args, 10);
    if (rest.length === 0 && io.stdinUntil) {
      io.out(
        lines(await io.stdinUntil((t) => (t.match(/\n/g) ?? []).length >= n))
          .slice(0, n)
          .map((l) => `${l}\n`)
          .join(''),
      );
      return 0;
    }
    const { texts, failed } = await filesOrStdin(rest, io, 'head');
    io.out(
      lines(texts.join(''))
        .slice(0, n)
        .map((l) => `${l}\n`)
        .join(''),
    );
    return failed ? 1 : 0;
  },
  tail: async (args, io) => {
    const { n, rest } = countArg(args, 10);
    const { texts, failed } = await filesOrStdin(rest, io, 'tail');
    io.out(
      lines(texts.join(''))
        .slice(-n)
        .map((l) => `${l}\n`)
        .join(''),
    );
    return failed ? 1 : 0;
  },
};
