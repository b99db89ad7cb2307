/**
 * Content negotiation for a JSON-only server. Clients that ask for aggregated discovery
 * (application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList) usually list plain
 * application/json after it, and get that; a client that accepts only aggregated discovery (or
 * only protobuf) gets 406, on which kube-aggregator and client-go fall back to legacy discovery.
 */
export function acceptsPlainJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  for (const clause of accept.split(',')) {
    const [type = '', ...params] = clause.split(';').map((p) => p.trim().toLowerCase());
    // A typed variant (as=APIGroupDiscoveryList, as=Table) is a different document: not ours to send.
    if (params.some((p) => p.startsWith('as='))) continue;
    const q = params.find((p) => p.startsWith('q='));
    if (q !== undefined && Number(q.slice(2)) === 0) continue;
    if (type === 'application/json' || type === '*/*' || type === 'application/*') return true;
  }
  return false;
}
