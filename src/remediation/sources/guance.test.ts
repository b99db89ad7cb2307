import { describe, expect, it } from 'vitest';
import { AlertParseError, type Alert } from '../alert.ts';
import { parseGuance } from './guance.ts';

// The webhook body of seed 000 (Guance Cloud monitor "弹性扩容demo操作"), as the article shows it.
const seed = {
  Result: 3.8138525999999997,
  date: 1685630030,
  df_channels: [],
  df_check_range_end: 1685629970,
  df_check_range_start: 1685629910,
  df_date_range: 60,
  df_dimension_tags: '{"namespace":"gc-dev","pod_name":"ruoyi-system-7f49bc9cc9-dms9r"}',
  df_event_id: 'event-2cfcdf99f7a4473f84967e88d14cecba',
  df_event_link: 'http://gc-studio.huawei.com/keyevents/monitor?time=...',
  df_event_reason: '满足监控器中故障的认定条件，产生故障事件',
  df_exec_mode: 'async',
  df_issue_duration: 0,
  df_issue_start_time: 1685630030,
  df_language: 'zh',
  df_message: 'CPU利用率：3.81  \n发生时间：1685630030',
  df_monitor_checker: 'custom_metric',
  df_monitor_checker_event_ref: 'c240d31146e4e198990734486c27331e',
  df_monitor_checker_id: 'rul_dc585aee34c3466fa0981dd69aecf56a',
  df_monitor_checker_name: '位于{{namespace}}中的Pod:{{pod_name}}业务压力过高，请尽快处理',
  df_monitor_checker_ref: 'acde60927d12cb3117f43009110dbb96',
  df_monitor_checker_sub: 'check',
  df_monitor_checker_value: '3.8138525999999997',
  df_monitor_id: 'monitor_e4496b567ce04acb9565dc318b27412d',
  df_monitor_name: '弹性扩容demo操作',
  df_monitor_type: 'custom',
  df_source: 'monitor',
  df_status: 'warning',
  df_sub_status: 'warning',
  df_title: '位于gc-dev中的Pod:ruoyi-system-7f49bc9cc9-dms9r业务压力过高，请尽快处理',
  df_workspace_name: 'gc演示空间',
  df_workspace_uuid: 'wksp_9541fb20bb8a4115b596af0c689613d4',
  namespace: 'gc-dev',
  pod_name: 'ruoyi-system-7f49bc9cc9-dms9r',
  timestamp: 1685630030,
  workspace_name: 'gc演示空间',
  workspace_uuid: 'wksp_9541fb20bb8a4115b596af0c689613d4',
};

function parseError(body: unknown): AlertParseError {
  try {
    parseGuance(body);
  } catch (err) {
    if (err instanceof AlertParseError) return err;
    throw err;
  }
  throw new Error('expected an AlertParseError');
}

describe('guance parser', () => {
  it('parses the seed 000 webhook body', () => {
    const expected: Alert = {
      source: 'guance',
      id: 'event-2cfcdf99f7a4473f84967e88d14cecba',
      status: 'firing',
      severity: 'warning',
      labels: {
        namespace: 'gc-dev',
        pod_name: 'ruoyi-system-7f49bc9cc9-dms9r',
        df_monitor_id: 'monitor_e4496b567ce04acb9565dc318b27412d',
        df_monitor_name: '弹性扩容demo操作',
        df_monitor_checker_id: 'rul_dc585aee34c3466fa0981dd69aecf56a',
        df_monitor_checker_name: '位于{{namespace}}中的Pod:{{pod_name}}业务压力过高，请尽快处理',
        df_monitor_type: 'custom',
        df_source: 'monitor',
      },
      annotations: {
        title: '位于gc-dev中的Pod:ruoyi-system-7f49bc9cc9-dms9r业务压力过高，请尽快处理',
        message: 'CPU利用率：3.81  \n发生时间：1685630030',
        event_link: 'http://gc-studio.huawei.com/keyevents/monitor?time=...',
        reason: '满足监控器中故障的认定条件，产生故障事件',
        value: '3.8138525999999997',
      },
      title: '位于gc-dev中的Pod:ruoyi-system-7f49bc9cc9-dms9r业务压力过高，请尽快处理',
      startsAt: 1685630030000,
      raw: seed,
    };
    const alerts = parseGuance(seed);
    expect(alerts).toEqual([expected]);
    expect(alerts[0]).not.toHaveProperty('endsAt');
    // raw is a copy: the stored alert does not change with the request object.
    expect(alerts[0]?.raw).not.toBe(seed);
  });

  it('maps df_status to status and severity', () => {
    const cases = [
      ['ok', 'resolved', 'info'],
      ['info', 'firing', 'info'],
      ['warning', 'firing', 'warning'],
      ['error', 'firing', 'error'],
      ['critical', 'firing', 'critical'],
      ['nodata', 'firing', 'warning'],
    ] as const;
    for (const [dfStatus, status, severity] of cases) {
      const [a] = parseGuance({ ...seed, df_status: dfStatus });
      expect({ dfStatus, status: a?.status, severity: a?.severity }).toEqual({ dfStatus, status, severity });
    }
  });

  it('gives a recovery event the time of the event as endsAt', () => {
    const [a] = parseGuance({ ...seed, df_status: 'ok', date: 1685630330 });
    expect(a).toMatchObject({ status: 'resolved', startsAt: 1685630030000, endsAt: 1685630330000 });
  });

  it('accepts times as numeric strings and falls back from df_issue_start_time to date and timestamp', () => {
    const { df_issue_start_time: _s, date: _d, ...noStart } = seed;
    expect(parseGuance({ ...seed, df_issue_start_time: '1685630000' })[0]?.startsAt).toBe(1685630000000);
    expect(parseGuance({ ...noStart, date: '1685630010' })[0]?.startsAt).toBe(1685630010000);
    expect(parseGuance({ ...noStart, timestamp: 1685630020 })[0]?.startsAt).toBe(1685630020000);
    const { timestamp: _t, ...noTimes } = noStart;
    expect(parseGuance(noTimes)[0]).not.toHaveProperty('startsAt');
  });

  it('makes top-level dimensions labels, letting df_dimension_tags win', () => {
    const [a] = parseGuance({
      ...seed,
      df_dimension_tags: '{"namespace":"gc-prod","host":"node-1","replicas":3,"gone":null}',
      service: 'ruoyi',
      ready: true,
      nested: { not: 'a label' },
      list: ['neither'],
    });
    expect(a?.labels).toMatchObject({
      namespace: 'gc-prod',
      host: 'node-1',
      replicas: '3',
      service: 'ruoyi',
      ready: 'true',
      pod_name: 'ruoyi-system-7f49bc9cc9-dms9r',
    });
    for (const absent of [
      'nested',
      'list',
      'gone',
      'Result',
      'date',
      'timestamp',
      'workspace_name',
      'workspace_uuid',
      'df_status',
      'df_title',
    ]) {
      expect(a?.labels).not.toHaveProperty(absent);
    }
  });

  it('falls back for the title and takes the value from Result', () => {
    const { df_title: _t, df_monitor_checker_value: _v, ...rest } = seed;
    const [a] = parseGuance(rest);
    expect(a?.title).toBe('弹性扩容demo操作');
    expect(a?.annotations).toEqual({
      message: seed.df_message,
      event_link: seed.df_event_link,
      reason: seed.df_event_reason,
      value: '3.8138525999999997',
    });
    const { df_monitor_name: _n, ...bare } = rest;
    expect(parseGuance(bare)[0]?.title).toBe('event-2cfcdf99f7a4473f84967e88d14cecba');
  });

  it('names the failing field', () => {
    const { df_event_id: _id, ...noId } = seed;
    expect(parseError(noId)).toMatchObject({ path: 'df_event_id', reason: 'is required (expected string)' });
    expect(parseError({ ...seed, df_event_id: '' }).path).toBe('df_event_id');

    const badStatus = parseError({ ...seed, df_status: 'fatal' });
    expect(badStatus.path).toBe('df_status');
    expect(badStatus.reason).toBe('expected one of ok, info, warning, error, critical, nodata, got "fatal"');

    for (const tags of ['not json', '["gc-dev"]', '"gc-dev"', '{"namespace":{"name":"gc-dev"}}']) {
      const err = parseError({ ...seed, df_dimension_tags: tags });
      expect(err.path).toBe('df_dimension_tags');
    }
    expect(parseError({ ...seed, df_dimension_tags: { namespace: 'gc-dev' } }).path).toBe('df_dimension_tags');
    expect(parseError({ ...seed, date: 'yesterday' })).toMatchObject({
      path: 'date',
      reason: 'expected epoch seconds (a number or numeric string), got "yesterday"',
    });
    expect(parseError({ ...seed, df_title: 42 }).path).toBe('df_title');
    // Found by the ingress fuzz: 1e300 seconds overflowed PostgreSQL's bigint time column (a 500).
    expect(parseError({ ...seed, df_issue_start_time: 1e300 })).toMatchObject({
      path: 'df_issue_start_time',
      reason: 'expected epoch seconds (a number or numeric string), got 1e+300 (after the year 9999)',
    });
  });

  it('rejects a body that is not an object', () => {
    for (const body of [null, [], 'x', 42, undefined]) {
      const err = parseError(body);
      expect(err.path).toBe('');
      expect(err.reason).toMatch(/^expected a JSON object as the request body, got /);
    }
    expect(parseError([]).reason).toBe('expected a JSON object as the request body, got an array');
  });
});
