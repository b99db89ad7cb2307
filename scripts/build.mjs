#!/usr/bin/env node
// `npm run build`: compiles the CLI and platform (src/cli/main.ts and every module it loads lazily)
// into dist/ as plain ES modules, dependencies left in node_modules. Running compiled JavaScript
// instead of the TypeScript sources through tsx saves ~95 MB of RSS and the start-up transform.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');
await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { main: join(root, 'src/cli/main.ts') },
  outdir,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
