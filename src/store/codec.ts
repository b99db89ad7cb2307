/** JSON and boolean conversions between domain values and the columns described in schema.ts. */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export function encodeJson(value: unknown): string {
  // undefined (e.g. an omitted optional field) is stored as null rather than failing the insert.
  return JSON.stringify(value ?? null);
}

/**
 * Parses a JSON column. Both dialects hand over text (see the pool's type parsers in open.ts); the
 * caller states the type it wrote, which is the only writer of these columns.
 */
export function decodeJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined || text === '') return fallback;
  return JSON.parse(text) as T;
}

export function encodeBool(value: boolean | undefined): number {
  return value ? 1 : 0;
}

export function decodeBool(value: number | boolean): boolean {
  return Boolean(value);
}
