// The worker thread's entry file, started by runner.ts. Plain JavaScript so that Node can start it
// with no loader, whether Kubeloop runs from its sources through tsx or from the esbuild bundle
// (the worker starts with empty execArgv, so it inherits no loader either way). It registers tsx
// in this thread (worker.ts and user functions may be TypeScript) and hands over to worker.ts.

// The heavy dependencies of worker.ts are loaded before tsx's hooks exist: through the hooks,
// @kubernetes/client-node (hundreds of modules) takes twice as long to load. worker.ts then gets
// them from the module cache.
await import('@kubernetes/client-node');
await import('zod');

// Both hooks, as the tsx CLI does: a .ts/.js function outside a "type": "module" package is loaded
// as CommonJS, and without tsx's require hook its `export default` fails in Node's require(esm).
const { register: registerCjs } = await import('tsx/cjs/api');
const { register: registerEsm } = await import('tsx/esm/api');
registerCjs();
registerEsm();
await import('./worker.ts');
