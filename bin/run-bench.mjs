#!/usr/bin/env node
// `npm run bench -- <name> [args]`: runs bench/<name>/main.ts (through tsx) and passes the args on.
import { register } from 'tsx/esm/api';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...args] = process.argv.slice(2);
const benches = readdirSync(join(root, 'bench'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
if (!name || !benches.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <name> [args]\navailable: ${benches.join(', ')}\n`);
  process.exit(2);
}
const entry = join(root, 'bench', name, 'main.ts');
if (!existsSync(entry)) {
  process.stderr.write(`bench/${name}/main.ts is missing\n`);
  process.exit(2);
}
register();
const mod = await import(entry);
process.exitCode = await mod.main(args);
