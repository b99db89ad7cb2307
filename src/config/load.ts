import { readFile } from 'node:fs/promises';
import { parse, YAMLParseError } from 'yaml';
import { ConfigError, formatZodIssues } from '../util/config-kit.ts';
import { configSchema, type KubeloopConfig } from './schema.ts';
import { deepFreeze } from '../util/deep-freeze.ts';

export { ConfigError, formatZodIssues } from '../util/config-kit.ts';

export function parseConfig(raw: unknown, source = 'config'): KubeloopConfig {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success)
    throw new ConfigError(
      `${source}: invalid configuration:\n${formatZodIssues(result.error, raw, '', { brackets: true })}`,
    );
  // Capabilities receive their sections by reference: frozen, none can change another's settings.
  return deepFreeze(result.data);
}

/** Reads kubeloop.yaml; a missing optional file yields the defaults. */
export async function loadConfig(path: string | undefined, opts: { required: boolean }): Promise<KubeloopConfig> {
  const file = path ?? 'kubeloop.yaml';
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !opts.required) return parseConfig({});
    throw new ConfigError(`${file}: cannot read the configuration file: ${(err as Error).message}`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` (line ${err.linePos[0].line})` : '';
    throw new ConfigError(`${file}: not valid YAML${where}: ${(err as Error).message}`, { cause: err });
  }
  return parseConfig(raw, file);
}
