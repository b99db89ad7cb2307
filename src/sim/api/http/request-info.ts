/**
 * Splits a request path the way kube-apiserver's RequestInfoFactory does:
 * /api/v1/namespaces/{ns}/{resource}/{name}/{subresource}, /apis/{group}/{version}/..., and the
 * discovery paths above them.
 */
export type RequestInfo =
  | { type: 'discovery'; path: 'api' | 'apis' | 'group' | 'groupVersion'; group: string; version: string }
  | {
      type: 'resource';
      group: string;
      version: string;
      namespace: string | undefined;
      resource: string;
      name: string | undefined;
      subresource: string | undefined;
    }
  | { type: 'other'; path: string };

export function parseRequestPath(pathname: string): RequestInfo {
  const parts = pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  const [root, ...rest] = parts;
  if (root === 'api') {
    if (rest.length === 0) return { type: 'discovery', path: 'api', group: '', version: '' };
    const [version, ...tail] = rest;
    if (tail.length === 0) return { type: 'discovery', path: 'groupVersion', group: '', version: version ?? '' };
    return resourceInfo('', version ?? '', tail, pathname);
  }
  if (root === 'apis') {
    if (rest.length === 0) return { type: 'discovery', path: 'apis', group: '', version: '' };
    const [group, version, ...tail] = rest;
    if (version === undefined) return { type: 'discovery', path: 'group', group: group ?? '', version: '' };
    if (tail.length === 0) return { type: 'discovery', path: 'groupVersion', group: group ?? '', version };
    return resourceInfo(group ?? '', version, tail, pathname);
  }
  return { type: 'other', path: pathname };
}

function resourceInfo(group: string, version: string, tail: string[], pathname: string): RequestInfo {
  let namespace: string | undefined;
  let segs = tail;
  // /namespaces/{ns}/{resource}... addresses namespaced content; /namespaces/{name}[/{sub}] the namespace itself.
  if (segs[0] === 'namespaces' && segs.length >= 3) {
    namespace = segs[1];
    segs = segs.slice(2);
  }
  const [resource, name, subresource, ...extra] = segs;
  if (resource === undefined || extra.length > 0) return { type: 'other', path: pathname };
  return { type: 'resource', group, version, namespace, resource, name, subresource };
}
