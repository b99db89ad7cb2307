import type { ResourceService } from '../api/service/resource-service.ts';
import type { ResourceDef } from '../api/registry.ts';

function nodesDef(svc: ResourceService): ResourceDef {
  const d = svc.registry.find('', 'v1', 'nodes');
  if (!d) throw new Error('scenario: nodes are not served');
  return d;
}

/** A Ready node as a kubelet registers it. */
export function addNode(
  svc: ResourceService,
  name: string,
  index: number,
  size: { cpu: string; memory: string } = { cpu: '4', memory: '16Gi' },
  labels: Record<string, string> = {},
): void {
  svc.create(nodesDef(svc), undefined, {
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        ...(index === 0 ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
        ...labels,
      },
    },
    spec: { podCIDR: `10.244.${index}.0/24`, podCIDRs: [`10.244.${index}.0/24`] },
    status: {
      // A Linux kubelet always reports its huge page sizes, zero when none are reserved.
      capacity: {
        cpu: size.cpu,
        memory: size.memory,
        pods: '110',
        'ephemeral-storage': '100Gi',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
      },
      allocatable: {
        cpu: size.cpu,
        memory: size.memory,
        pods: '110',
        'ephemeral-storage': '100Gi',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
      },
      conditions: [
        {
          type: 'MemoryPressure',
          status: 'False',
          reason: 'KubeletHasSufficientMemory',
          message: 'kubelet has sufficient memory available',
        },
        {
          type: 'DiskPressure',
          status: 'False',
          reason: 'KubeletHasNoDiskPressure',
          message: 'kubelet has no disk pressure',
        },
        {
          type: 'PIDPressure',
          status: 'False',
          reason: 'KubeletHasSufficientPID',
          message: 'kubelet has sufficient PID available',
        },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      addresses: [
        { type: 'InternalIP', address: `10.0.0.${index + 10}` },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.32.0',
        kubeProxyVersion: 'v1.32.0',
        osImage: 'Kubeloop Sim Linux',
        kernelVersion: '6.1.0-sim',
        containerRuntimeVersion: 'containerd://1.7.0',
        operatingSystem: 'linux',
        architecture: 'amd64',
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
    },
  });
}
