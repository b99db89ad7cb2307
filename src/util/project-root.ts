import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/**
 * The checkout's root folder (where package.json names "kubeloop"). Files shipped beside the code
 * (the demo scenario, the built UI) are found from here, so the same lookup works from the sources
 * (src/x/y.ts, run through tsx) and from the compiled bundle (dist/*.js).
 */
export function projectRoot(): string {
  if (cached) return cached;
  let dir = import.meta.dirname;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'kubeloop')
      return (cached = dir);
    const up = dirname(dir);
    if (up === dir)
      throw new Error(
        `kubeloop: cannot find the project root (package.json named "kubeloop") above ${import.meta.dirname}`,
      );
    dir = up;
  }
}
