/** A read-only virtual filesystem for a simulated container; /proc is mounted as a computed provider. */
export interface VirtualFs {
  stat(path: string): 'file' | 'dir' | undefined;
  read(path: string): string | undefined;
  list(path: string): string[] | undefined;
}

type Content = string | (() => string);

export function normalizePath(path: string, cwd = '/'): string {
  const abs = path.startsWith('/') ? path : `${cwd.replace(/\/$/, '')}/${path}`;
  const parts: string[] = [];
  for (const p of abs.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return `/${parts.join('/')}`;
}

/** Files given as text or generators (read at access time), directories implied by their paths. */
export class MemoryFs implements VirtualFs {
  private readonly files = new Map<string, Content>();
  private readonly dirs = new Set<string>(['/']);
  private readonly mounts = new Map<string, VirtualFs>();

  writeFile(path: string, content: Content): this {
    const p = normalizePath(path);
    this.files.set(p, content);
    this.addParents(p);
    return this;
  }

  mkdir(path: string): this {
    const p = normalizePath(path);
    this.dirs.add(p);
    this.addParents(p);
    return this;
  }

  /** Serves everything under `prefix` from another filesystem (paths passed relative to it, as absolute). */
  mount(prefix: string, fs: VirtualFs): this {
    const p = normalizePath(prefix);
    this.mounts.set(p, fs);
    this.mkdir(p);
    return this;
  }

  private addParents(p: string): void {
    let cur = p;
    while (cur !== '/') {
      cur = cur.slice(0, cur.lastIndexOf('/')) || '/';
      this.dirs.add(cur);
    }
  }

  private mounted(path: string): { fs: VirtualFs; inner: string } | undefined {
    for (const [prefix, fs] of this.mounts) {
      if (path === prefix || path.startsWith(`${prefix}/`)) return { fs, inner: path.slice(prefix.length) || '/' };
    }
    return undefined;
  }

  stat(path: string): 'file' | 'dir' | undefined {
    const p = normalizePath(path);
    const m = this.mounted(p);
    if (m) return m.fs.stat(m.inner) ?? (m.inner === '/' ? 'dir' : undefined);
    if (this.files.has(p)) return 'file';
    return this.dirs.has(p) ? 'dir' : undefined;
  }

  read(path: string): string | undefined {
    const p = normalizePath(path);
    const m = this.mounted(p);
    if (m) return m.fs.read(m.inner);
    const c = this.files.get(p);
    return typeof c === 'function' ? c() : c;
  }

  list(path: string): string[] | undefined {
    const p = normalizePath(path);
    const m = this.mounted(p);
    if (m) return m.fs.list(m.inner) ?? (m.inner === '/' ? [] : undefined);
    if (!this.dirs.has(p)) return undefined;
    const prefix = p === '/' ? '/' : `${p}/`;
    const names = new Set<string>();
    for (const k of [...this.files.keys(), ...this.dirs, ...this.mounts.keys()]) {
      if (k !== p && k.startsWith(prefix)) names.add(k.slice(prefix.length).split('/')[0] as string);
    }
    return [...names].sort();
  }
}
