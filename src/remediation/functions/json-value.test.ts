import { describe, expect, it } from 'vitest';
import { toJsonValue } from './json-value.ts';

describe('toJsonValue', () => {
  it('keeps JSON as JSON.stringify would write it', () => {
    expect(toJsonValue({ a: 1, b: [true, null, 'x'], c: undefined, d: [undefined], e: new Date(0) })).toEqual({
      a: 1,
      b: [true, null, 'x'],
      d: [null],
      e: '1970-01-01T00:00:00.000Z',
    });
    class Model {
      name = 'web';
      replicas = 2;
    }
    expect(toJsonValue(new Model())).toEqual({ name: 'web', replicas: 2 });
    const shared = { x: 1 };
    expect(toJsonValue([shared, shared])).toEqual([{ x: 1 }, { x: 1 }]);
  });

  it('names what JSON would lose, with its path', () => {
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    const cases: [unknown, RegExp][] = [
      [{ f: () => 1 }, /\$\.f is a function/],
      [{ n: [1, NaN] }, /\$\.n\[1\] is NaN/],
      [{ 'a-b': 1n }, /\$\["a-b"\] is a bigint/],
      [{ m: new Map() }, /\$\.m is a Map/],
      [{ p: Promise.resolve(1) }, /\$\.p is a Promise \(did you forget an await\?\)/],
      [cyclic, /\$\.self refers back to itself/],
      [Symbol('s'), /\$ is a symbol/],
    ];
    for (const [value, message] of cases) expect(() => toJsonValue(value)).toThrow(message);
  });
});
