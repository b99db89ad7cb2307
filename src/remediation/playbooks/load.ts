import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import { ConfigError, formatZodIssues } from '../../util/config-kit.ts';
import type { RemediationConfig } from '../config.ts';
import { cronProblem } from '../schedules.ts';
import { playbookSchema, type Playbook } from './schema.ts';

/**
 * The playbooks to run: those in kubeloop.yaml plus every *.yaml / *.yml file of
 * remediation.playbooksDir (a file holds one playbook or a list). Problems are ConfigErrors naming
 * the file and the field (`playbooks/scale.yaml: [0].actions[1].max: ...`); names must be unique.
 */
export async function loadPlaybooks(cfg: RemediationConfig, baseDir = '.'): Promise<Playbook[]> {
  const out: { playbook: Playbook; from: string }[] = cfg.playbooks.map((p, i) => ({
    playbook: p,
    from: `remediation.playbooks[${i}]`,
  }));
  if (cfg.playbooksDir) {
    const dir = resolve(baseDir, cfg.playbooksDir);
    let files: string[];
    try {
      files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
    } catch (err) {
      throw new ConfigError(`remediation.playbooksDir: cannot read ${dir}: ${(err as Error).message}`, { cause: err });
    }
    for (const f of files)
      out.push(...(await readPlaybookFile(join(dir, f))).map((p, i) => ({ playbook: p, from: `${f}[${i}]` })));
  }
  const seen = new Map<string, string>();
  for (const { playbook, from } of out) {
    const other = seen.get(playbook.name);
    if (other) throw new ConfigError(`${from}.name: duplicate playbook name "${playbook.name}" (also ${other})`);
    seen.set(playbook.name, from);
    if ('schedule' in playbook.trigger) {
      const problem = cronProblem(playbook.trigger.schedule);
      if (problem) throw new ConfigError(`${from}.trigger.schedule.cron: ${problem}`);
    }
  }
  return out.map((o) => o.playbook);
}

async function readPlaybookFile(path: string): Promise<Playbook[]> {
  let raw: unknown;
  try {
    raw = parse(await readFile(path, 'utf8'));
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` (line ${err.linePos[0].line})` : '';
    throw new ConfigError(`${path}: not a readable YAML playbook file${where}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((item, i) => {
    const r = playbookSchema.safeParse(item);
    if (!r.success)
      throw new ConfigError(
        `${path}: playbook ${i}: invalid:\n${formatZodIssues(r.error, item, '', { brackets: true })}`,
      );
    return r.data;
  });
}
