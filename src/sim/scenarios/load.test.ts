import { describe, expect, it } from 'vitest';
import { parseScenario, applyScenario } from './load.ts';
import { ResourceRegistry } from '../api/registry.ts';
import { ObjectStore } from '../api/store/object-store.ts';
import { ResourceService } from '../api/service/resource-service.ts';
import { bootstrapCluster, resolveScenario } from './index.ts';

function service(): ResourceService {
  const svc = new ResourceService(new ObjectStore(), new ResourceRegistry());
  bootstrapCluster(svc);
  return svc;
}

describe('scenario files', () => {
  it('reject unknown keys and wrong types with the path', () => {
    expect(() => parseScenario('name: x\nnodez: []\n', 'x.yaml')).toThrow(
      /x\.yaml: invalid scenario:\nnodez: unknown key/,
    );
    expect(() => parseScenario('name: x\nnodes: [{name: n, memory: 5}]\n', 'x.yaml')).toThrow(
      /nodes\.0\.memory: expected string, got 5/,
    );
    expect(() => parseScenario('name: [', 'x.yaml')).toThrow(/x\.yaml: not valid YAML/);
  });

  it('names the object the API refuses and the kinds it does not serve', () => {
    const svc = service();
    const bad = parseScenario(
      'name: x\nobjects:\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: Bad_Name}}\n',
      'x.yaml',
    );
    expect(() => applyScenario(svc, bad, 'x.yaml')).toThrow(
      /x\.yaml: objects\[0\] \(ConfigMap Bad_Name\): ConfigMap "Bad_Name" is invalid/,
    );
    const unknown = parseScenario(
      'name: x\nobjects:\n  - {apiVersion: example.com/v1, kind: Widget, metadata: {name: w}}\n',
      'x.yaml',
    );
    expect(() => applyScenario(svc, unknown, 'x.yaml')).toThrow(
      /objects\[0\]: Widget in example.com\/v1 is not served/,
    );
  });

  it('loads the built-in demo', () => {
    const svc = service();
    resolveScenario('demo').apply(svc);
    const deploys = svc.store
      .listCurrent(svc.registry.find('apps', 'v1', 'deployments')!, 'gc-dev')
      .map((so) => so.obj.metadata.name);
    expect(deploys).toEqual([
      'ruoyi-auth',
      'ruoyi-gateway',
      'ruoyi-mysql',
      'ruoyi-nacos',
      'ruoyi-nginx',
      'ruoyi-redis',
      'ruoyi-system',
    ]);
    expect(svc.store.count(svc.registry.find('', 'v1', 'nodes')!)).toBe(3);
  });
});
