import type { Alert, AlertParser, AlertSource } from '../alert.ts';
import { parseAlertmanager } from './alertmanager.ts';
import { parseGeneric } from './generic.ts';
import { parseGrafana } from './grafana.ts';
import { parseGuance } from './guance.ts';

/**
 * The alert source parsers: a request body in, Alerts out, or an AlertParseError naming the field.
 * A Record over AlertSource so adding a source to alertSources fails the build until it has a parser.
 */
export const parsers: Record<AlertSource, AlertParser> = {
  guance: parseGuance,
  alertmanager: parseAlertmanager,
  grafana: parseGrafana,
  generic: parseGeneric,
};

export function parseAlerts(source: AlertSource, body: unknown): Alert[] {
  return parsers[source](body);
}

export { parseAlertmanager, parseGeneric, parseGrafana, parseGuance };
