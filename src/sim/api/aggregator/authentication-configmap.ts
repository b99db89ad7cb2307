import type { ResourceService } from '../service/resource-service.ts';

/**
 * kube-system/extension-apiserver-authentication as kube-apiserver publishes it: how extension API
 * servers verify callers (client CA) and the aggregator's front-proxy (requestheader CA, the allowed
 * client name and the identity headers). Values are JSON string lists, as in a real cluster.
 */
export function publishAuthenticationConfigMap(
  svc: ResourceService,
  opts: { clientCa: string; requestHeaderCa: string },
): void {
  const def = svc.registry.find('', 'v1', 'configmaps');
  if (!def) throw new Error('aggregator: configmaps are not served');
  const data = {
    'client-ca-file': opts.clientCa,
    'requestheader-allowed-names': '["front-proxy-client"]',
    'requestheader-client-ca-file': opts.requestHeaderCa,
    'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
    'requestheader-group-headers': '["X-Remote-Group"]',
    'requestheader-username-headers': '["X-Remote-User"]',
  };
  const current = svc.store.get(def, 'kube-system', 'extension-apiserver-authentication');
  if (current) return;
  svc.create(def, 'kube-system', {
    metadata: { name: 'extension-apiserver-authentication', namespace: 'kube-system' },
    data,
  });
}
