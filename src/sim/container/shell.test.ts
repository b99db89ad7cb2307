import { describe, expect, it } from 'vitest';
import { defaultContainerEnv, MemoryFs, runCommand } from './index.ts';

const env = defaultContainerEnv({
  hostname: 'web-0',
  pod: {
    metadata: { name: 'web-0', namespace: 'ns' },
    spec: { containers: [{ name: 'c', env: [{ name: 'MODE', value: 'prod' }] }] },
  },
  container: 'c',
});
(env.fs as MemoryFs).writeFile(
  '/proc/net/tcp',
  '  sl  local_address rem_address   st\n   0: 0100007F:1F90 00000000:0000 0A\n   1: 0100007F:1F90 0100007F:9C40 08\n   2: 0100007F:1F90 0100007F:9C41 08\n',
);

async function run(
  argv: string[],
  signal = new AbortController().signal,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCommand(argv, {
    env,
    stdin: null,
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    signal,
  });
  return { code, out, err };
}

describe('the container shell', () => {
  it('runs the basic tools', async () => {
    expect(await run(['echo', 'a', 'b'])).toEqual({ code: 0, out: 'a b\n', err: '' });
    expect((await run(['hostname'])).out).toBe('web-0\n');
    expect((await run(['cat', '/etc/hostname'])).out).toBe('web-0\n');
    expect((await run(['env'])).out).toMatch(/^MODE=prod$/m);
    expect((await run(['ls', '/etc'])).out.split('\n')).toContain('hosts');
  });

  it('reports missing files and unknown programs like a minimal image', async () => {
    expect(await run(['cat', '/nope'])).toEqual({
      code: 1,
      out: '',
      err: "cat: can't open '/nope': No such file or directory\n",
    });
    const missing = await run(['frobnicate']);
    expect(missing.code).toBe(127);
    expect(missing.err).toMatch(/executable file not found in \$PATH/);
    expect((await run(['sh', '-c', 'frobnicate'])).err).toBe('sh: frobnicate: not found\n');
  });

  it('runs sh -c sequences, conditionals, pipes, quotes, variables and redirects', async () => {
    expect((await run(['sh', '-c', 'echo one; echo two'])).out).toBe('one\ntwo\n');
    expect((await run(['sh', '-c', 'false && echo no || echo yes'])).out).toBe('yes\n');
    expect((await run(['sh', '-c', "grep ' 08' /proc/net/tcp | wc -l"])).out).toBe('2\n');
    expect((await run(['sh', '-c', 'echo "mode=$MODE" \'$MODE\''])).out).toBe('mode=prod $MODE\n');
    expect(await run(['sh', '-c', 'echo oops >&2; exit 3'])).toEqual({ code: 3, out: '', err: 'oops\n' });
    expect((await run(['sh', '-c', 'echo "unterminated'])).code).toBe(2);
  });

  it('lets head -n 1 return after one line of a stdin that stays open (the v4 exec protocol cannot close it)', async () => {
    async function* openStdin(): AsyncGenerator<Buffer> {
      yield Buffer.from('first\nsec');
      await new Promise(() => {}); // never ends
    }
    let out = '';
    const code = await runCommand(['head', '-n', '1'], {
      env,
      stdin: openStdin(),
      stdout: (s) => (out += s),
      stderr: () => {},
      signal: new AbortController().signal,
    });
    expect({ code, out }).toEqual({ code: 0, out: 'first\n' });
  });

  it('stops sleep when the session is aborted', async () => {
    const ac = new AbortController();
    const started = Date.now();
    const pending = run(['sleep', '30'], ac.signal);
    setTimeout(() => ac.abort(), 20);
    expect((await pending).code).toBe(130);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
