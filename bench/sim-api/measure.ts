import { BenchClient, type HttpTarget } from '../support/http.ts';
import { median } from '../support/stats.ts';

/** Polls until the default ServiceAccount (and its token) exists in every namespace: the real apiserver's admission needs both. */
export async function waitForServiceAccounts(
  api: BenchClient,
  namespaces: string[],
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // A 1.20 apiserver also refuses pods until the tokens controller gave the account its secret
  // ("No API token found for service account"). A server that makes tokens (one account had one)
  // is waited for in every namespace; one that never does (the sim) is waited for 5 s at most.
  // The 5 s used to run from the start for all namespaces, so the real side's later namespaces
  // went unwaited and hundreds of its pods were refused.
  const tokenDeadline = Date.now() + 5_000;
  let makesTokens = false;
  for (const ns of namespaces) {
    for (;;) {
      const res = await api.send('GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`);
      const hasToken =
        res.status === 200 && ((JSON.parse(res.text) as { secrets?: unknown[] }).secrets ?? []).length > 0;
      makesTokens ||= hasToken;
      if (hasToken || (res.status === 200 && !makesTokens && Date.now() > tokenDeadline)) break;
      if (Date.now() > deadline)
        throw new Error(`no default ServiceAccount with a token in ${ns} after ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  if (makesTokens) await waitForPodAdmission(api, namespaces, deadline);
}

/**
 * The apiserver's ServiceAccount admission reads token secrets from its own informer, which can
 * lag the account: a dry-run pod create runs that admission without storing anything.
 */
async function waitForPodAdmission(api: BenchClient, namespaces: string[], deadline: number): Promise<void> {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'admission-probe' },
    spec: { containers: [{ name: 'app', image: 'kubeloop/httpserver:1.0' }] },
  };
  for (const ns of namespaces) {
    for (;;) {
      const res = await api.send('POST', `/api/v1/namespaces/${ns}/pods?dryRun=All`, pod);
      if (res.status === 201) break;
      if (Date.now() > deadline)
        throw new Error(`pods in ${ns} still refused: ${res.status} ${res.text.slice(0, 200)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export async function createNamespaces(target: HttpTarget, namespaces: string[]): Promise<void> {
  const api = new BenchClient(target);
  try {
    for (const ns of namespaces) await api.json('POST', '/api/v1/namespaces', { metadata: { name: ns } });
    await waitForServiceAccounts(api, namespaces);
  } finally {
    api.close();
  }
}

/** Median wall time of `runs` GETs of `path` over a keep-alive connection, each read to the end. */
export async function timeGet(
  target: HttpTarget,
  path: string,
  runs: number,
): Promise<{ median: number; bytes: number }> {
  const api = new BenchClient(target, 1);
  const out: number[] = [];
  let bytes = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      const res = await api.send('GET', path);
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text.slice(0, 200)}`);
      out.push(performance.now() - start);
      bytes = res.text.length;
    }
  } finally {
    api.close();
  }
  return { median: median(out), bytes };
}
