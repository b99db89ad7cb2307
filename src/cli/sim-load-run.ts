import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { t, type Lang } from '../i18n/index.ts';
import { LOAD_RPS, LOAD_UNTIL } from '../sim/workloads/load.ts';
import { UsageError } from './errors.ts';
import { cliKubeConfig } from './cluster-kubeconfig.ts';
import type { LoadFlags } from './sim-load.ts';

export async function runLoad(flags: LoadFlags, lang: Lang): Promise<void> {
  const core = cliKubeConfig(flags).makeApiClient(CoreV1Api);
  const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  const target = { namespace: flags.namespace, name: flags.service };
  try {
    await core.readNamespacedService(target);
  } catch (err) {
    if ((err as { code?: number }).code === 404)
      throw new UsageError(t(lang, 'load.noService', { service: `${flags.namespace}/${flags.service}` }));
    throw err;
  }
  const setLoad = async (rps: number | null, until: string | null): Promise<void> => {
    await core.patchNamespacedService(
      {
        ...target,
        body: { metadata: { annotations: { [LOAD_RPS]: rps === null ? null : String(rps), [LOAD_UNTIL]: until } } },
      },
      mergePatch,
    );
  };
  if (flags.rps === 0) {
    await setLoad(null, null);
    process.stdout.write(`${t(lang, 'load.stopped', { service: `${flags.namespace}/${flags.service}` })}\n`);
    return;
  }
  // The end time is part of the object: the load stops on time even if this process dies.
  const until = new Date(Date.now() + flags.duration);
  await setLoad(flags.rps, until.toISOString());
  const readyEndpoints = async (): Promise<number> => {
    const ep = await core.readNamespacedEndpoints(target).catch(() => undefined);
    return (ep?.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  };
  process.stdout.write(
    `${t(lang, 'load.started', { rps: flags.rps, service: `${flags.namespace}/${flags.service}`, until: until.toISOString(), endpoints: await readyEndpoints() })}\n`,
  );
  if (flags.detach) return;
  await new Promise<void>((done) => {
    const finish = (): void => {
      clearInterval(progress);
      clearTimeout(end);
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      void setLoad(null, null).finally(() => {
        process.stdout.write(`${t(lang, 'load.stopped', { service: `${flags.namespace}/${flags.service}` })}\n`);
        done();
      });
    };
    const progress = setInterval(() => {
      void readyEndpoints().then((n) =>
        process.stdout.write(
          `${t(lang, 'load.progress', { rps: flags.rps, endpoints: n, perPod: n > 0 ? (flags.rps / n).toFixed(1) : '0' })}\n`,
        ),
      );
    }, 10_000);
    const end = setTimeout(finish, flags.duration);
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
  });
}
