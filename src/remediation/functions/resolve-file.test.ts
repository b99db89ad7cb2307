import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveFunctionFile } from './resolve-file.ts';

const dir = join(import.meta.dirname, 'fixtures');

describe('resolveFunctionFile', () => {
  it('resolves a file inside the directory', () => {
    expect(resolveFunctionFile(dir, 'scale.ts')).toEqual({ ok: true, path: join(dir, 'scale.ts'), functionsDir: dir });
    expect(resolveFunctionFile(`${dir}/`, './plain.mjs')).toMatchObject({ ok: true, path: join(dir, 'plain.mjs') });
  });

  it('refuses escapes, absolute paths, other extensions, directories and missing files', () => {
    const cases: [string, RegExp][] = [
      ['../x.ts', /must stay inside the functions directory/],
      ['a/../../x.ts', /must stay inside the functions directory/],
      ['..\\x.ts', /must stay inside the functions directory/],
      ['/etc/x.ts', /must be a path relative to the functions directory/],
      ['C:/x.ts', /must be a path relative to the functions directory/],
      ['x.sh', /must end in \.ts, \.mts, \.js, \.mjs/],
      ['', /no function file named/],
      ['missing.ts', /not found in/],
    ];
    for (const [file, error] of cases)
      expect(resolveFunctionFile(dir, file), file).toEqual({ ok: false, error: expect.stringMatching(error) });
  });
});
