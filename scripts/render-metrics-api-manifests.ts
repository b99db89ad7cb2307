/**
 * Regenerates deploy/metrics-api/ from src/metrics-api/manifests.ts with the default options:
 *   npx tsx scripts/render-metrics-api-manifests.ts [--check]
 * --check writes nothing and exits 1 when a file differs (src/metrics-api/manifests.test.ts checks the same).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderMetricsApiDeployFiles } from '../src/metrics-api/manifests.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'deploy', 'metrics-api');
const check = process.argv.includes('--check');
let stale = 0;
await mkdir(dir, { recursive: true });
for (const { file, content } of renderMetricsApiDeployFiles()) {
  const path = join(dir, file);
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current === content) continue;
  stale++;
  if (check) console.error(`${path} differs from the render output`);
  else {
    await writeFile(path, content);
    console.log(`wrote ${path}`);
  }
}
if (check && stale > 0) process.exit(1);
