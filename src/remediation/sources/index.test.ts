import { describe, expect, it } from 'vitest';
import { AlertParseError, alertSources } from '../alert.ts';
import { parseAlerts, parsers } from './index.ts';

describe('parseAlerts', () => {
  it('has a parser for every source', () => {
    expect(Object.keys(parsers).sort()).toEqual([...alertSources].sort());
  });

  it('dispatches on the source', () => {
    expect(parseAlerts('generic', { labels: { alertname: 'X' } })).toMatchObject([{ source: 'generic', title: 'X' }]);
  });

  it('throws only AlertParseError for junk bodies', () => {
    for (const source of alertSources) {
      for (const body of [null, [], 'x', 0, {}, { alerts: [null] }, { version: '4', alerts: [{}] }]) {
        expect(() => parseAlerts(source, body)).toThrow(AlertParseError);
      }
    }
  });
});
