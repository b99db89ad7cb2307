import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAllowed, loadAllowlist, unusedEntries } from './allowlist.ts';

function load(yaml: string): ReturnType<typeof loadAllowlist> {
  const file = join(mkdtempSync(join(tmpdir(), 'kubeloop-allow-')), 'allow.yaml');
  writeFileSync(file, yaml);
  return loadAllowlist(file);
}

describe('differential allowlist', () => {
  it('applies an entry only to the values it names', () => {
    const allow = load(`
- path: "crud/pod-*.body.spec.volumes[0].name"
  real: '"default-token-[a-z0-9]{5}"'
  sim: '"kube-api-access-[a-z0-9]{5}"'
  reason: "token volume names differ by release"
`);
    expect(
      isAllowed(
        {
          path: 'crud/pod-create.body.spec.volumes[0].name',
          real: 'default-token-abcde',
          sim: 'kube-api-access-vwxyz',
        },
        allow,
      ),
    ).toBe(true);
    // Same path, a value the entry is not about: not explained.
    expect(
      isAllowed(
        { path: 'crud/pod-create.body.spec.volumes[0].name', real: 'default-token-abcde', sim: 'my-volume' },
        allow,
      ),
    ).toBe(false);
    expect(
      isAllowed(
        {
          path: 'crud/pod-create.body.spec.volumes[1].name',
          real: 'default-token-abcde',
          sim: 'kube-api-access-vwxyz',
        },
        allow,
      ),
    ).toBe(false);
    expect(allow[0]?.matched.map((d) => d.path)).toEqual(['crud/pod-create.body.spec.volumes[0].name']);
  });

  it('simPrefixOfReal explains only text the real side appends', () => {
    const allow = load(`
- path: "crud/*.body.message"
  simPrefixOfReal: true
  reason: "1.20 appends a struct diff to the message"
`);
    expect(
      isAllowed({ path: 'crud/x.body.message', real: 'Forbidden: no\n  core.PodSpec{…}', sim: 'Forbidden: no' }, allow),
    ).toBe(true);
    expect(
      isAllowed(
        { path: 'crud/x.body.message', real: 'Forbidden: no\n  core.PodSpec{…}', sim: 'Forbidden: yes' },
        allow,
      ),
    ).toBe(false);
    expect(isAllowed({ path: 'crud/x.body.message', real: 'Forbidden: no', sim: '' }, allow)).toBe(false);
    expect(isAllowed({ path: 'crud/x.body.message', real: undefined, sim: 'Forbidden: no' }, allow)).toBe(false);
  });

  it('reports entries that explained nothing', () => {
    const allow = load(`
- path: "a/b.c"
  reason: "used in this run"
- path: "a/stale.c"
  reason: "nothing differs here any more"
`);
    isAllowed({ path: 'a/b.c', real: 1, sim: 2 }, allow);
    expect(unusedEntries(allow).map((a) => a.path)).toEqual(['a/stale.c']);
  });

  it('refuses an entry without a reason or with an unknown key', () => {
    expect(() => load('- path: "a/b"\n')).toThrow(/reason/);
    expect(() => load('- path: "a/b"\n  reason: "long enough reason"\n  realValue: "x"\n')).toThrow(/realValue/);
  });
});
