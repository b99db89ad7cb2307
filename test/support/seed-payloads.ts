/** Alert payloads as the seed articles show them, shared by the tests and bench/remediation. */

/** A Guance (观测云) alert as seed 000 shows it, for a pod in a namespace. */
export function guanceAlert(eventId: string, namespace: string, pod: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    Result: 3.81,
    date: now,
    df_channels: [],
    df_dimension_tags: JSON.stringify({ namespace, pod_name: pod }),
    df_event_id: eventId,
    df_event_link: 'http://guance.example/keyevents',
    df_issue_start_time: now,
    df_message: 'CPU 3.81',
    df_monitor_checker_name: '业务压力过高',
    df_monitor_id: 'monitor_e4496b567ce04acb9565dc318b27412d',
    df_monitor_name: '弹性扩容demo操作',
    df_source: 'monitor',
    df_status: 'warning',
    df_title: `位于${namespace}中的Pod:${pod}业务压力过高，请尽快处理`,
    namespace,
    pod_name: pod,
    timestamp: now,
  };
}
