import { ResourceRegistry, type KubeObject, type ResourceDef } from '../../src/sim/api/registry.ts';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from '../../src/sim/api/selectors.ts';
import { median } from '../support/stats.ts';
import { standInMatcher } from './stand-in.ts';

/**
 * bench/selectors: the sim's label and field selector matching over a list of pods, the work of a
 * `list pods?labelSelector=...&fieldSelector=...` once the objects are read. It was a timed
 * assertion in src/sim/api/selectors.test.ts; a figure belongs here, beside a comparison.
 *   Kubeloop: parse once, then matchesLabels + matchesFields per object.
 *   Stand-in of kube-apiserver's pattern (k8s.io/apimachinery is not buildable here: no Go module
 *   source reachable): SelectionPredicate.Matches, which builds each pod's selectable fields set
 *   (GetAttrs -> ToSelectableFields) and checks parsed label requirements and field terms by map
 *   lookup. Building that set per object is the anchor's own cost, not one added here.
 * Flags: --objects N --rounds N --runs N
 */
interface Flags {
  objects: number;
  rounds: number;
  runs: number;
}

function parseFlags(args: string[]): Flags {
  const f: Flags = { objects: 10_000, rounds: 100, runs: 7 };
  for (let i = 0; i < args.length; i += 2) {
    const key = (args[i] ?? '').replace(/^--/, '') as keyof Flags;
    const value = Number(args[i + 1]);
    if (!(key in f)) throw new Error(`bench selectors: unknown flag ${args[i] ?? ''}`);
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`bench selectors: ${args[i] ?? ''} needs a positive integer, got ${JSON.stringify(args[i + 1])}`);
    f[key] = value;
  }
  return f;
}

const LABELS = 'app=web,tier in (a,b,c),!legacy';
const FIELDS = 'status.phase=Running,metadata.namespace=ns';

function pods(n: number): KubeObject[] {
  return Array.from({ length: n }, (_, i) => ({
    metadata: {
      name: `p${i}`,
      namespace: 'ns',
      labels: { app: i % 2 ? 'web' : 'db', tier: 'b', 'pod-template-hash': `h${i % 7}` },
    },
    spec: {
      nodeName: `node-${i % 50}`,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      serviceAccountName: 'default',
    },
    status: { phase: i % 10 === 0 ? 'Pending' : 'Running', podIP: `198.18.${(i >> 8) & 255}.${i & 255}` },
  }));
}

/** ns per object over `rounds` passes, and the number matched (both sides must agree). */
function timeIt(
  objs: KubeObject[],
  rounds: number,
  match: (o: KubeObject) => boolean,
): { nsPerObject: number; matched: number } {
  let matched = 0;
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (const o of objs) if (match(o)) matched++;
  const ns = Number(process.hrtime.bigint() - start);
  return { nsPerObject: ns / (rounds * objs.length), matched: matched / rounds };
}

export async function main(args: string[]): Promise<number> {
  const f = parseFlags(args);
  const registry = new ResourceRegistry();
  const podDef = registry.find('', 'v1', 'pods') as ResourceDef;
  const objs = pods(f.objects);
  const labelSel = parseLabelSelector(LABELS);
  const fieldSel = parseFieldSelector(FIELDS, podDef);
  const ours = (o: KubeObject): boolean =>
    matchesLabels(labelSel, o.metadata.labels) && matchesFields(fieldSel, o, podDef);
  const sides: { name: string; match: (o: KubeObject) => boolean; runs: number[]; matched: number }[] = [
    { name: 'kubeloop (sim): matchesLabels + matchesFields', match: ours, runs: [], matched: 0 },
    {
      name: 'stand-in of kube-apiserver, fields set per object (its GetAttrs)',
      match: standInMatcher(LABELS, FIELDS, { fieldsSet: true }),
      runs: [],
      matched: 0,
    },
    {
      name: 'stand-in of kube-apiserver, fields read directly (no set)',
      match: standInMatcher(LABELS, FIELDS, { fieldsSet: false }),
      runs: [],
      matched: 0,
    },
  ];
  // Warm-up (JIT), then the sides take turns in each run so drift of a shared machine hits all alike.
  for (const s of sides) timeIt(objs, 2, s.match);
  for (let run = 0; run < f.runs; run++) {
    for (const s of sides) {
      const r = timeIt(objs, f.rounds, s.match);
      s.runs.push(r.nsPerObject);
      s.matched = r.matched;
    }
  }
  if (new Set(sides.map((s) => s.matched)).size !== 1) {
    process.stderr.write(
      `bench selectors: the sides disagree (${sides.map((s) => s.matched).join(' / ')} matched): the comparison is void\n`,
    );
    return 1;
  }
  const base = median(sides[0]?.runs ?? []);
  const out = process.stdout;
  out.write(
    `bench/selectors: labelSelector "${LABELS}" and fieldSelector "${FIELDS}" over ${f.objects} pods (${sides[0]?.matched ?? 0} match), ${f.rounds} passes per run, median of ${f.runs} runs\n`,
  );
  out.write(
    'figure: wall time per object to decide both selectors (selectors parsed once beforehand, not counted); ratio = row / kubeloop\n',
  );
  for (const s of sides) {
    const m = median(s.runs);
    out.write(
      `  ${s.name.padEnd(68)} ${m.toFixed(1).padStart(7)} ns/object  ${(m / base).toFixed(2)}x   runs: ${s.runs.map((x) => x.toFixed(0)).join(' ')}\n`,
    );
  }
  out.write(
    `peak RSS of this process (both sides, ${f.objects} pods in memory): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`,
  );
  return 0;
}
