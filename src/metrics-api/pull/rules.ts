import { z } from 'zod';
import { ResourceTable, type DescribedResource } from '../resources.ts';
import { compileTemplate, TemplateError, type CompiledTemplate } from './template.ts';
import { expandGoTemplate } from './go-expand.ts';

/**
 * Pull rules in prometheus-adapter's configuration format (rules, externalRules; resourceRules are
 * accepted and ignored because metrics.k8s.io is metrics-server's job), so an existing adapter
 * config works unchanged. Each rule is compiled once at load: regexes, templates and resource
 * names are checked then, and an error names the rule and the field (`rules[2].name.matches: ...`).
 * One extension: `presets`, ready-made rules such as counters -> per-second rates.
 */

const filterSchema = z.union([z.strictObject({ is: z.string() }), z.strictObject({ isNot: z.string() })]);
const overrideSchema = z.strictObject({ group: z.string().optional(), resource: z.string().min(1) });
const resourcesSchema = z.strictObject({
  template: z.string().optional(),
  overrides: z.record(z.string(), overrideSchema).optional(),
  /** externalRules only: false means the metric is not filtered by the request's namespace. */
  namespaced: z.boolean().optional(),
});
const ruleSchema = z.strictObject({
  seriesQuery: z.string().min(1),
  seriesFilters: z.array(filterSchema).optional(),
  resources: resourcesSchema.optional(),
  name: z.strictObject({ matches: z.string().optional(), as: z.string().optional() }).optional(),
  metricsQuery: z.string().optional(),
});
const counterRateSchema = z.strictObject({
  /** Which counters: a series selector; default every *_total series carrying namespace and pod labels. */
  seriesQuery: z.string().min(1).default('{__name__=~"^.+_total$",namespace!="",pod!=""}'),
  /** The rate() window. */
  window: z
    .string()
    .regex(/^\d+(ms|s|m|h)$/, 'must be a Prometheus duration such as 2m')
    .default('2m'),
  /** The served name replaces the `_total` suffix with this. */
  suffix: z
    .string()
    .regex(/^[a-zA-Z0-9_]+$/, 'must be letters, digits or _')
    .default('_qps'),
});
const presetSchema = z.strictObject({ counterRate: counterRateSchema });

export const pullRulesSchema = z.strictObject({
  rules: z.array(ruleSchema).default([]),
  externalRules: z.array(ruleSchema).default([]),
  resourceRules: z.unknown().optional(),
  presets: z.array(presetSchema).default([]),
});
export type PullRulesInput = z.input<typeof pullRulesSchema>;
export type RuleInput = z.input<typeof ruleSchema>;

export class RuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleError';
  }
}

export interface CompiledRule {
  kind: 'custom' | 'external';
  /** Where the rule came from, for messages: "rules[0]", "presets[0].counterRate". */
  where: string;
  seriesQuery: string;
  accepts(seriesName: string): boolean;
  /** The served metric name for a Prometheus series name, or undefined when name.matches does not match. */
  metricName(seriesName: string): string | undefined;
  /** The resource a series label stands for (overrides, then the template). */
  resourceOf(label: string): DescribedResource | undefined;
  /** The series label standing for a resource. */
  labelFor(resource: string): string | undefined;
  metricsQuery: CompiledTemplate;
  /** External rules: whether the request's namespace filters the series. */
  namespaced: boolean;
}

const DEFAULT_METRICS_QUERY = 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)';
const QUERY_FIELDS = ['Series', 'LabelMatchers', 'GroupBy'] as const;

function regex(where: string, source: string): RegExp {
  try {
    // Go (RE2) spells named groups (?P<name>...); JavaScript spells them (?<name>...).
    return new RegExp(source.replace(/\(\?P</g, '(?<'));
  } catch (err) {
    throw new RuleError(`${where}: invalid regular expression ${JSON.stringify(source)}: ${(err as Error).message}`);
  }
}

function template(where: string, source: string, fields: readonly string[]): CompiledTemplate {
  try {
    return compileTemplate(source, fields);
  } catch (err) {
    if (err instanceof TemplateError) throw new RuleError(`${where}: ${err.message}`);
    throw err;
  }
}

function compileRule(
  kind: 'custom' | 'external',
  where: string,
  rule: z.output<typeof ruleSchema>,
  table: ResourceTable,
): CompiledRule {
  const filters = (rule.seriesFilters ?? []).map((f, i) =>
    'is' in f
      ? { keep: true, re: regex(`${where}.seriesFilters[${i}].is`, f.is) }
      : { keep: false, re: regex(`${where}.seriesFilters[${i}].isNot`, f.isNot) },
  );
  const matches = regex(`${where}.name.matches`, rule.name?.matches || '.*');
  // The adapter's default: "$1" when the pattern captures one group, else the whole match.
  const captures = new RegExp(`${matches.source}|`).exec('')?.length ?? 1;
  const as = rule.name?.as || (captures - 1 === 1 ? '$1' : '$0');
  const byLabel = new Map<string, DescribedResource>();
  for (const [label, o] of Object.entries(rule.resources?.overrides ?? {})) {
    const name = o.group ? `${o.resource}.${o.group}` : o.resource;
    const d = table.find(name);
    if (!d)
      throw new RuleError(
        `${where}.resources.overrides.${label}: unknown resource ${JSON.stringify(name)} (known: ${table.names().join(', ')})`,
      );
    byLabel.set(label, d);
  }
  if (rule.resources?.template !== undefined) {
    const t = template(`${where}.resources.template`, rule.resources.template, ['Group', 'Resource']);
    for (const d of table.all()) {
      const label = t.render({ Group: d.group, Resource: d.kind.toLowerCase() });
      if (!byLabel.has(label)) byLabel.set(label, d);
    }
  }
  const labelOf = new Map<string, string>();
  for (const [label, d] of byLabel) if (!labelOf.has(d.resource)) labelOf.set(d.resource, label);
  const hasNamespaceLabel = [...byLabel.values()].some((d) => d.resource === 'namespaces');
  if (rule.resources?.namespaced !== undefined && kind === 'custom')
    throw new RuleError(`${where}.resources.namespaced: only externalRules take namespaced`);
  return {
    kind,
    where,
    seriesQuery: rule.seriesQuery,
    accepts: (s) => filters.every((f) => f.re.test(s) === f.keep),
    metricName(s) {
      const m = matches.exec(s);
      return m ? expandGoTemplate(as, m) : undefined;
    },
    resourceOf: (label) => byLabel.get(label),
    labelFor: (resource) => labelOf.get(resource),
    metricsQuery: template(`${where}.metricsQuery`, rule.metricsQuery ?? DEFAULT_METRICS_QUERY, QUERY_FIELDS),
    namespaced: kind === 'external' ? (rule.resources?.namespaced ?? hasNamespaceLabel) && hasNamespaceLabel : true,
  };
}

/** The counter preset as an adapter rule: `x_total` -> `x<suffix>` = sum(rate(x_total[window])) by object. */
export function counterRateRule(p: z.output<typeof counterRateSchema>): z.output<typeof ruleSchema> {
  return {
    seriesQuery: p.seriesQuery,
    resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
    name: { matches: '^(.*)_total$', as: `\${1}${p.suffix}` },
    metricsQuery: `sum(rate(<<.Series>>{<<.LabelMatchers>>}[${p.window}])) by (<<.GroupBy>>)`,
  };
}

function issuesText(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** Validates and compiles a rules document (already parsed from YAML/JSON). */
export function compileRules(doc: unknown, table = new ResourceTable(), source = 'metrics rules'): CompiledRule[] {
  const parsed = pullRulesSchema.safeParse(doc ?? {});
  if (!parsed.success) throw new RuleError(`${source}: ${issuesText(parsed.error)}`);
  const d = parsed.data;
  const wrap = (f: () => CompiledRule): CompiledRule => {
    try {
      return f();
    } catch (err) {
      if (err instanceof RuleError) throw new RuleError(`${source}: ${err.message}`);
      throw err;
    }
  };
  return [
    ...d.rules.map((r, i) => wrap(() => compileRule('custom', `rules[${i}]`, r, table))),
    ...d.presets.map((p, i) =>
      wrap(() => compileRule('custom', `presets[${i}].counterRate`, counterRateRule(p.counterRate), table)),
    ),
    ...d.externalRules.map((r, i) => wrap(() => compileRule('external', `externalRules[${i}]`, r, table))),
  ];
}
