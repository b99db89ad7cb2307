import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { childConfig, serveParent } from '../support/child.ts';

/**
 * The comparison row: a STAND-IN of seed 000's "Func route" (a hand-written DataFlux Func handler),
 * not DataFlux Func itself, which does not run here. It does the seed function's work and nothing
 * else: parse the Guance alert, read the pod it names, follow its owner (ReplicaSet -> Deployment),
 * read the Deployment's Scale, check the soft limit, PUT the Scale with replicas + 1 (retrying a 409
 * as Kubeloop does), then answer. No authentication, no inbox, no audit log, no duplicate check,
 * no HPA check: costs Kubeloop's path pays and this one does not. Requests: start -> { url }, stop.
 */
export interface StandinChildConfig {
  kubeconfig: string;
  max: number;
}

const cfg = childConfig<StandinChildConfig>();
const kc = new KubeConfig();
kc.loadFromString(cfg.kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);

async function scaleOut(alert: { namespace?: unknown; pod_name?: unknown }): Promise<string> {
  const namespace = String(alert.namespace);
  const pod = await core.readNamespacedPod({ name: String(alert.pod_name), namespace });
  const owner = pod.metadata?.ownerReferences?.[0];
  let deployment = owner?.kind === 'Deployment' ? owner.name : undefined;
  if (owner?.kind === 'ReplicaSet') {
    const rs = await apps.readNamespacedReplicaSet({ name: owner.name, namespace });
    deployment = rs.metadata?.ownerReferences?.[0]?.name;
  }
  if (!deployment) return 'not a Deployment pod';
  for (let attempt = 1; ; attempt++) {
    const scale = await apps.readNamespacedDeploymentScale({ name: deployment, namespace });
    const current = scale.spec?.replicas ?? 0;
    if (current >= cfg.max) return `limit reached at ${current}`;
    try {
      await apps.replaceNamespacedDeploymentScale({ name: deployment, namespace, body: { ...scale, spec: { replicas: current + 1 } } });
      return `scaled ${current} -> ${current + 1}`;
    } catch (err) {
      if ((err as { code?: number }).code === 409 && attempt < 5) continue;
      throw err;
    }
  }
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (body += c));
  req.on('end', () => {
    void (async () => {
      const text = await scaleOut(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(text);
    })().catch((err: unknown) => res.writeHead(500).end(String((err as Error).message)));
  });
}

const server = createServer(handle);

serveParent({
  async start() {
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const addr = server.address();
    return { url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/api/v1/func/scale-out` };
  },
}, async () => {
  await new Promise((done) => server.close(done));
});
