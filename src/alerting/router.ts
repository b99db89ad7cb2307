import type { MatcherConfig, RouteConfig } from './config.ts';
import type { Severity } from './channels/message.ts';

/** What routes and silences match on: one failure (or the workload it belongs to). */
export interface AlertFacts {
  cluster: string;
  namespace: string;
  workloadKind: string;
  workloadName: string;
  reason: string;
  severity: Severity;
}

/** `*` any run of characters, `?` one character; everything else literal; the whole string must match. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

export type Predicate = (f: AlertFacts) => boolean;

/**
 * Compiles a matcher: every given field must match; within a field any entry may. A workload
 * pattern with a slash is "namespace/name", without one it is the name in any namespace.
 */
export function compileMatcher(m: MatcherConfig): Predicate {
  const tests: Predicate[] = [];
  if (m.namespaces) {
    const res = m.namespaces.map(globToRegExp);
    tests.push((f) => res.some((r) => r.test(f.namespace)));
  }
  if (m.workloads) {
    const res = m.workloads.map((p) => {
      const slash = p.indexOf('/');
      return slash < 0
        ? { ns: undefined, name: globToRegExp(p) }
        : { ns: globToRegExp(p.slice(0, slash)), name: globToRegExp(p.slice(slash + 1)) };
    });
    tests.push((f) => res.some((r) => (r.ns === undefined || r.ns.test(f.namespace)) && r.name.test(f.workloadName)));
  }
  if (m.reasons) {
    const res = m.reasons.map(globToRegExp);
    tests.push((f) => res.some((r) => r.test(f.reason)));
  }
  if (m.severity) {
    const set = new Set<Severity>(m.severity);
    tests.push((f) => set.has(f.severity));
  }
  return (f) => tests.every((t) => t(f));
}

export interface RouteDecision {
  /** Channels to notify, each once, in the order the routes name them. */
  channels: string[];
  /** Indexes of the routes that matched (for logs and the UI's "why was this sent"). */
  routes: number[];
}

/**
 * Routing: routes are tried in order; the first match decides unless it says `continue: true`, in
 * which case the following routes are tried too. With no routes at all every failure goes to every
 * channel (a fresh install with one channel just works); with routes, an unmatched failure is not
 * sent anywhere (the notifier counts it as unrouted).
 */
export class Router {
  private readonly routes: { match: Predicate; channels: string[]; continue: boolean }[];

  constructor(
    routes: readonly RouteConfig[],
    private readonly allChannels: readonly string[],
  ) {
    this.routes = routes.map((r) => ({ match: compileMatcher(r.match), channels: r.channels, continue: r.continue }));
  }

  route(f: AlertFacts): RouteDecision {
    if (this.routes.length === 0) return { channels: [...this.allChannels], routes: [] };
    const channels: string[] = [];
    const matched: number[] = [];
    for (const [i, r] of this.routes.entries()) {
      if (!r.match(f)) continue;
      matched.push(i);
      for (const c of r.channels) if (!channels.includes(c)) channels.push(c);
      if (!r.continue) break;
    }
    return { channels, routes: matched };
  }
}
