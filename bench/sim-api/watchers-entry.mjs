// Worker entry: load the TypeScript worker through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./watchers.ts');
