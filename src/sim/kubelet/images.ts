/**
 * Image references as containerd reports them: a name without a registry host is a Docker Hub
 * name (docker.io/library/ for official images), and a reference without tag or digest means :latest.
 */
export function qualifiedImage(image: string): string {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  const named = hasRegistry ? image : slash < 0 ? `docker.io/library/${image}` : `docker.io/${image}`;
  const lastPart = named.slice(named.lastIndexOf('/') + 1);
  return named.includes('@') || lastPart.includes(':') ? named : `${named}:latest`;
}

/** The repository of a reference, without tag or digest (the name part of a repo digest). */
export function imageRepository(image: string): string {
  const q = qualifiedImage(image).split('@')[0] ?? '';
  const colon = q.lastIndexOf(':');
  return colon > q.lastIndexOf('/') ? q.slice(0, colon) : q;
}

/** The sim's stand-in for an image no registry has: any name containing "does-not-exist". */
export function isMissingImage(image: string): boolean {
  return image.includes('does-not-exist');
}

/** containerd's error for an image its registry does not know, as the kubelet reports it (rpc error from CRI). */
export function pullError(image: string): string {
  const ref = qualifiedImage(image);
  return `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
}
