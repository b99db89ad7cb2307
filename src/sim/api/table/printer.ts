import type { KubeObject } from '../registry.ts';

/** [name, type, priority]: priority 1 columns appear only with `-o wide`. */
export type Column = [string, 'string' | 'integer' | 'number' | 'boolean' | 'date', number?];

export interface Printer {
  columns: Column[];
  row(obj: KubeObject, now: Date): unknown[];
  conditions?(obj: KubeObject): unknown[] | undefined;
}
