import { main } from '../../src/cli/main.ts';

/** `kubeloop` as `npm run build` ships it, bundled by bench/monitor/up-process.ts: argv as the CLI's. */
process.exitCode = await main(process.argv);
