// Child-process entry for benchmarks: `node tsx-entry.mjs <file.ts> [args]` loads the TypeScript file through tsx.
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';

register();
await import(pathToFileURL(process.argv[2]).href);
