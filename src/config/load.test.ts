import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseConfig } from './load.ts';

async function file(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kubeloop-config-'));
  const p = join(dir, 'kubeloop.yaml');
  await writeFile(p, text);
  return p;
}

describe('config loading', () => {
  it('fills defaults when there is no file', async () => {
    const cfg = await loadConfig(join(tmpdir(), 'does-not-exist.yaml'), { required: false });
    expect(cfg.sim.port).toBe(6443);
    expect(cfg.sim.tls).toBe(true);
    expect(cfg.log.level).toBe('info');
  });

  it('names the path and the types of a wrong value', () => {
    expect(() => parseConfig({ sim: { port: 'abc' } })).toThrow(/sim\.port: expected number, got "abc"/);
  });

  it('rejects unknown keys with their path', () => {
    expect(() => parseConfig({ sim: { prot: 1 } })).toThrow(/sim\.prot: unknown key/);
    expect(() => parseConfig({ simm: {} })).toThrow(/simm: unknown key/);
  });

  it('reports YAML syntax errors with the line', async () => {
    const p = await file('sim:\n  port: [1,\n');
    await expect(loadConfig(p, { required: true })).rejects.toThrow(ConfigError);
    await expect(loadConfig(p, { required: true })).rejects.toThrow(/not valid YAML \(line \d+\)/);
  });

  it('requires an explicitly named file to exist', async () => {
    await expect(loadConfig(join(tmpdir(), 'nope', 'k.yaml'), { required: true })).rejects.toThrow(
      /cannot read the configuration file/,
    );
  });
});
