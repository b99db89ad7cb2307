// Child-process entry: load the TypeScript sim child through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./sim-child.ts');
