import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { childConfig, serveParent } from '../support/child.ts';
import { BenchClient } from '../support/http.ts';

/**
 * The comparison row: a STAND-IN of seed 000's "Func route" (a hand-written DataFlux Func handler),
 * not DataFlux Func itself, which does not run here. It does the seed function's work and nothing
 * else: parse the Guance alert, read the pod it names, follow its owner (ReplicaSet -> Deployment),
 * read the Deployment's Scale, check the soft limit, PUT the Scale with replicas + 1 (retrying a 409
 * as Kubeloop does), then answer. No authentication, no inbox, no audit log, no duplicate check,
 * no HPA check: costs Kubeloop's path pays and this one does not. Its API calls go over keep-alive
 * TLS connections (at most 32, as Kubeloop's src/kube/http.ts; the seed's Python client pools its
 * connections too): @kubernetes/client-node would open a new TLS connection per call, a cost
 * Kubeloop does not pay. Requests: start -> { url }, stop.
 */
export interface StandinChildConfig {
  sim: { url: string; token: string; ca: string };
  max: number;
}

interface Meta {
  metadata?: { name?: string; ownerReferences?: { kind: string; name: string }[] };
}
interface Scale extends Meta {
  spec?: { replicas?: number };
}

const cfg = childConfig<StandinChildConfig>();
const api = new BenchClient(cfg.sim, 32);
const enc = encodeURIComponent;

async function scaleOut(alert: { namespace?: unknown; pod_name?: unknown }): Promise<string> {
  const ns = enc(String(alert.namespace));
  const pod = (await api.json('GET', `/api/v1/namespaces/${ns}/pods/${enc(String(alert.pod_name))}`)) as Meta;
  const owner = pod.metadata?.ownerReferences?.[0];
  let deployment = owner?.kind === 'Deployment' ? owner.name : undefined;
  if (owner?.kind === 'ReplicaSet') {
    const rs = (await api.json('GET', `/apis/apps/v1/namespaces/${ns}/replicasets/${enc(owner.name)}`)) as Meta;
    deployment = rs.metadata?.ownerReferences?.[0]?.name;
  }
  if (!deployment) return 'not a Deployment pod';
  const path = `/apis/apps/v1/namespaces/${ns}/deployments/${enc(deployment)}/scale`;
  for (let attempt = 1; ; attempt++) {
    const scale = (await api.json('GET', path)) as Scale;
    const current = scale.spec?.replicas ?? 0;
    if (current >= cfg.max) return `limit reached at ${current}`;
    // A replace carrying the resourceVersion read: 409 if another alert changed it meanwhile.
    const res = await api.send('PUT', path, { ...scale, spec: { ...scale.spec, replicas: current + 1 } });
    if (res.status < 300) return `scaled ${current} -> ${current + 1}`;
    if (res.status !== 409 || attempt >= 5) throw new Error(`PUT ${path}: ${res.status} ${res.text.slice(0, 200)}`);
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

serveParent(
  {
    async start() {
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      const addr = server.address();
      return { url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/api/v1/func/scale-out` };
    },
  },
  async () => {
    await new Promise((done) => server.close(done));
  },
);
