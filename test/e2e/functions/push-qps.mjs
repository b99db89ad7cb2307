// The seed's 2-minute job as a Kubeloop function: per-pod request rates from Prometheus, pushed
// to the metrics API's write path. A ConfigMap `metrics-push` with suspend: "true" pauses it, as
// `spec.suspend` pauses a CronJob.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';

function post(url, body, token, ca) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`push ${url}: ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export default async (ctx) => {
  const { urlFile, tokenFile, caFile, namespace, window } = ctx.params;
  const suspended = await ctx.k8s.core.readNamespacedConfigMap({ namespace, name: 'metrics-push' }).then((cm) => cm.data?.suspend === 'true', () => false);
  if (suspended) return { pushed: 0, suspended: true };
  const rates = await ctx.query(`sum(rate(http_requests_total{namespace="${namespace}"}[${window}])) by (pod)`);
  const url = readFileSync(urlFile, 'utf8').trim();
  const token = readFileSync(tokenFile, 'utf8').trim();
  const ca = readFileSync(caFile, 'utf8');
  for (const r of rates) {
    // The seed sends the value as a JSON string with two decimals ("12.50").
    await post(`${url}/write-metrics/namespaces/${namespace}/pods/${r.metric.pod}/http_requests_qps`, JSON.stringify(r.value.toFixed(2)), token, ca);
  }
  return { pushed: rates.length };
};
