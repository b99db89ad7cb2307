import { BRIDGE, CONTAINERD_SOCKET, CONTAINERD_STATE, NODE_IP, POD_CIDR } from './host.ts';

/**
 * containerd with its own root, state and socket, so it never meets another containerd on the host.
 * restrict_oom_score_adj: these VMs drop CAP_SYS_RESOURCE from every bounding set, so runc cannot
 * lower oom_score_adj to the sandbox's -998 ("can't get final child's PID from pipe: EOF");
 * with it, containerd clamps the value to its own.
 */
export function containerdConfig(root: string, cniConfDir: string): string {
  return `version = 2
root = "${root}"
state = "${CONTAINERD_STATE}"
[grpc]
  address = "${CONTAINERD_SOCKET}"
[ttrpc]
  address = "${CONTAINERD_SOCKET}.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "k8s.gcr.io/pause:3.2"
  restrict_oom_score_adj = true
  enable_selinux = false
  disable_apparmor = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${cniConfDir}"
    max_conf_num = 1
`;
}

/**
 * A bridge with host-local addresses from the pod range and the bridge as the pods' default gateway
 * (they reach the node's address, where the API server listens). No masquerade and no forwarding on
 * the host: pod traffic never leaves the machine.
 */
export function cniConfig(ipamDir: string): string {
  return JSON.stringify(
    {
      cniVersion: '0.4.0',
      name: 'kubeloop-real-node',
      plugins: [
        {
          type: 'bridge',
          bridge: BRIDGE,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: POD_CIDR }]],
            routes: [{ dst: '0.0.0.0/0' }],
            dataDir: ipamDir,
          },
        },
      ],
    },
    null,
    2,
  );
}

export interface KubeletConfigOptions {
  caFile: string;
  certFile: string;
  keyFile: string;
  nodeStatusUpdateFrequency: string;
}

/**
 * Upstream defaults wherever they matter to what Kubeloop observes (back-off, sync, status frequency);
 * changed only where this machine needs it: cgroupfs, no swap check, the host's iptables untouched,
 * images never garbage-collected (nothing could pull them back), low eviction thresholds.
 */
export function kubeletConfig(o: KubeletConfigOptions): string {
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: ${NODE_IP}
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: "${o.caFile}"}
authorization: {mode: AlwaysAllow}
tlsCertFile: "${o.certFile}"
tlsPrivateKeyFile: "${o.keyFile}"
cgroupDriver: cgroupfs
cgroupsPerQOS: true
enforceNodeAllocatable: ["pods"]
failSwapOn: false
readOnlyPort: 0
port: 10250
healthzBindAddress: 127.0.0.1
healthzPort: 10248
clusterDomain: cluster.local
clusterDNS: ["198.19.0.10"]
makeIPTablesUtilChains: false
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "50Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
nodeStatusUpdateFrequency: ${o.nodeStatusUpdateFrequency}
maxPods: 110
`;
}
