import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function kubeloop(args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(process.cwd(), 'bin/kubeloop.mjs'), ...args],
      { cwd, timeout: 30_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('kubeloop CLI', () => {
  it('lists its commands', async () => {
    const r = await kubeloop(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/sim \[options\]/);
  });

  it('exits 2 naming the flag for a bad port', async () => {
    const r = await kubeloop(['sim', '--port', 'abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--port/);
    expect(r.stderr).toMatch(/expected number, got "abc"/);
  });

  it('exits 2 naming the path for a bad config file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeloop-cli-'));
    await writeFile(join(dir, 'kubeloop.yaml'), 'sim:\n  port: abc\n');
    const r = await kubeloop(['sim'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sim\.port: expected number, got "abc"/);
  });

  it('speaks zh-CN when asked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeloop-cli-'));
    await writeFile(join(dir, 'kubeloop.yaml'), 'sim:\n  bogus: 1\n');
    const r = await kubeloop(['--lang', 'zh-CN', 'sim'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/配置错误/);
    expect(r.stderr).toMatch(/sim\.bogus: unknown key/);
  });

  it('rejects an unknown scenario and a broken scenario file with exit code 2', async () => {
    const r = await kubeloop(['sim', '--port', '0', '--scenario', 'nope', '--no-tls']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown scenario "nope" \(available: demo, empty, or a scenario \.yaml file\)/);
    const dir = await mkdtemp(join(tmpdir(), 'kubeloop-cli-'));
    await writeFile(join(dir, 'bad.yaml'), 'name: bad\nnodes:\n  - {name: n1, cpu: 4}\n');
    const bad = await kubeloop(['sim', '--port', '0', '--no-tls', '--scenario', join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/nodes\.0\.cpu: expected string, got 4/);
  });

  it('kubeloop up: exits 2 naming the field for bad config, a bad flag, a missing kubeconfig context', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeloop-cli-'));
    await writeFile(join(dir, 'kubeloop.yaml'), 'monitor:\n  resolveAfter: soon\n  excludePods: ["(["]\n');
    const r = await kubeloop(['up'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/monitor\.resolveAfter: expected a duration such as 30s, 5m or 1h, got "soon"/);
    const port = await kubeloop(['up', '--port', '70000'], dir);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--port/);
    await writeFile(join(dir, 'kubeloop.yaml'), 'database:\n  url: mysql://x\n');
    const db = await kubeloop(['up'], dir);
    expect(db.code).toBe(2);
    expect(db.stderr).toMatch(/database\.url: expected a postgres:\/\/ URL/);
    await writeFile(join(dir, 'kubeloop.yaml'), '{}\n');
    await writeFile(
      join(dir, 'kc.yaml'),
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: a, context: {cluster: c, user: u}}]\ncurrent-context: a\n',
    );
    const ctx = await kubeloop(
      ['up', '--kubeconfig', join(dir, 'kc.yaml'), '--context', 'nope', '--data', join(dir, 'data')],
      dir,
    );
    expect(ctx.code).toBe(2);
    expect(ctx.stderr).toMatch(/context "nope" is not in the kubeconfig \(have: a\)/);
  });
});
