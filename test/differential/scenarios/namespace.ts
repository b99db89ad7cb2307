import { call, type Target } from '../target.ts';

/**
 * Creates a namespace and waits until pods can be created in it: on 1.20 the ServiceAccount
 * admission plugin rejects pods until the default account has its token Secret.
 */
export async function createNamespace(t: Target, name: string): Promise<void> {
  await call(t, 'POST', '/api/v1/namespaces', { body: { metadata: { name } } });
  for (let i = 0; i < 100; i++) {
    const sa = await call(t, 'GET', `/api/v1/namespaces/${name}/serviceaccounts/default`);
    const secrets = (sa.body as { secrets?: unknown[] }).secrets;
    if (sa.status === 200 && (t.name === 'sim' || (secrets?.length ?? 0) > 0)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${t.name}: namespace ${name} never got its default ServiceAccount`);
}
