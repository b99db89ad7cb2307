import { describe, expect, it } from 'vitest';
import { compileRules, RuleError } from './rules.ts';
import { expandGoTemplate } from './go-expand.ts';
import { compileTemplate } from './template.ts';

const adapterRule = {
  seriesQuery: 'http_requests_total{namespace!="",pod!=""}',
  resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
  name: { matches: '^(.*)_total$', as: '${1}_per_second' },
  metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)',
};

describe('pull rules (prometheus-adapter format)', () => {
  it('compiles an adapter rule: naming, resources and the query template', () => {
    const [r] = compileRules({ rules: [adapterRule] });
    expect(r?.metricName('http_requests_total')).toBe('http_requests_per_second');
    expect(r?.metricName('http_requests')).toBeUndefined();
    expect(r?.resourceOf('pod')?.resource).toBe('pods');
    expect(r?.resourceOf('namespace')?.resource).toBe('namespaces');
    expect(r?.labelFor('pods')).toBe('pod');
    expect(r?.metricsQuery.render({ Series: 'x_total', LabelMatchers: 'a="b"', GroupBy: 'pod' })).toBe(
      'sum(rate(x_total{a="b"}[2m])) by (pod)',
    );
  });

  it('defaults: name as $1 with one capture group, else the whole name; the default metricsQuery', () => {
    const [one, whole] = compileRules({
      rules: [{ seriesQuery: 'a', name: { matches: '^container_(.*)_seconds_total$' } }, { seriesQuery: 'b' }],
    });
    expect(one?.metricName('container_cpu_usage_seconds_total')).toBe('cpu_usage');
    expect(whole?.metricName('anything_total')).toBe('anything_total');
    expect(whole?.metricsQuery.render({ Series: 's', LabelMatchers: 'm', GroupBy: 'g' })).toBe('sum(s{m}) by (g)');
  });

  it('a resources template maps labels such as kube_apps_deployment', () => {
    const [r] = compileRules({
      rules: [{ seriesQuery: 'x', resources: { template: 'kube_<<.Group>>_<<.Resource>>' } }],
    });
    expect(r?.resourceOf('kube_apps_deployment')?.resource).toBe('deployments.apps');
    expect(r?.resourceOf('kube__pod')?.resource).toBe('pods');
    expect(r?.labelFor('deployments.apps')).toBe('kube_apps_deployment');
  });

  it('seriesFilters is / isNot, Go-style named groups', () => {
    const [r] = compileRules({
      rules: [
        {
          seriesQuery: 'x',
          seriesFilters: [{ is: '^container_' }, { isNot: '^container_fs_' }],
          name: { matches: '^container_(?P<what>.*)$', as: '$what' },
        },
      ],
    });
    expect(r?.accepts('container_cpu')).toBe(true);
    expect(r?.accepts('container_fs_reads')).toBe(false);
    expect(r?.accepts('node_cpu')).toBe(false);
    expect(r?.metricName('container_cpu')).toBe('cpu');
  });

  it('the counterRate preset serves x_total as x_qps, a rate over the window', () => {
    const [r] = compileRules({ presets: [{ counterRate: { window: '1m' } }] });
    expect(r?.where).toBe('presets[0].counterRate');
    expect(r?.metricName('http_requests_total')).toBe('http_requests_qps');
    expect(
      r?.metricsQuery.render({ Series: 'http_requests_total', LabelMatchers: 'namespace="d"', GroupBy: 'pod' }),
    ).toBe('sum(rate(http_requests_total{namespace="d"}[1m])) by (pod)');
  });

  it('externalRules: namespaced unless namespaced: false', () => {
    const rules = compileRules({
      externalRules: [
        { seriesQuery: 'queue_depth', resources: { overrides: { namespace: { resource: 'namespace' } } } },
        {
          seriesQuery: 'queue_depth',
          resources: { overrides: { namespace: { resource: 'namespace' } }, namespaced: false },
        },
        { seriesQuery: 'global' },
      ],
    });
    expect(rules.map((r) => [r.kind, r.namespaced])).toEqual([
      ['external', true],
      ['external', false],
      ['external', false],
    ]);
  });

  it('errors name the rule and the field', () => {
    const fails = (doc: unknown): string => {
      try {
        compileRules(doc, undefined, 'rules.yaml');
      } catch (err) {
        expect(err).toBeInstanceOf(RuleError);
        return (err as Error).message;
      }
      throw new Error('expected a RuleError');
    };
    expect(fails({ rules: [adapterRule, { ...adapterRule, name: { matches: '(' } }] })).toMatch(
      /^rules\.yaml: rules\[1\]\.name\.matches: invalid regular expression "\("/,
    );
    expect(fails({ rules: [{ ...adapterRule, metricsQuery: 'sum(<<.Series>>) by (<<.Bogus>>)' }] })).toMatch(
      /rules\[0\]\.metricsQuery: unknown template field \.Bogus/,
    );
    expect(fails({ rules: [{ ...adapterRule, metricsQuery: '<<range .GroupBySlice>>x<<end>>' }] })).toMatch(
      /unsupported template action <<range/,
    );
    expect(fails({ rules: [{ ...adapterRule, resources: { overrides: { pod: { resource: 'podz' } } } }] })).toMatch(
      /rules\[0\]\.resources\.overrides\.pod: unknown resource "podz"/,
    );
    expect(fails({ rules: [{ seriesQuery: '' }] })).toMatch(/rules\.0\.seriesQuery/);
    expect(fails({ rules: [{ seriesQuery: 'x', extra: 1 }] })).toMatch(/rules\.0: Unrecognized key.*extra/);
    expect(fails({ presets: [{ counterRate: { window: 'two minutes' } }] })).toMatch(
      /presets\.0\.counterRate\.window: must be a Prometheus duration/,
    );
    expect(fails({ rules: 'yes' })).toMatch(/rules:/);
  });
});

describe('Go regexp.Expand', () => {
  const m = /^(?<name>a)(b)$/.exec('ab') as RegExpExecArray;
  it('numbers, braces, names and $$', () => {
    expect(expandGoTemplate('$1-${2}-$name-${name}-$$', m)).toBe('a-b-a-a-$');
    // Go reads "$1x" as the group named "1x", which does not exist.
    expect(expandGoTemplate('$1x', m)).toBe('');
    expect(expandGoTemplate('${1}x', m)).toBe('ax');
  });
});

describe('templates', () => {
  it('whitespace and trim markers inside the delimiters', () => {
    expect(
      compileTemplate('<< .Series >>{<<- .LabelMatchers -&gt;>>}'.replace('&gt;', ''), [
        'Series',
        'LabelMatchers',
      ]).render({ Series: 's', LabelMatchers: 'l' }),
    ).toBe('s{l}');
  });
  it('refuses an unbalanced delimiter', () => {
    expect(() => compileTemplate('sum(<<.Series)', ['Series'])).toThrow(/unbalanced/);
  });
});
