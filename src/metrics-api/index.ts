/** The custom/external metrics API server (issue 7): the library surface. */
export {
  buildMetricsApiServer,
  installMetricsApi,
  metricsApiSettingsSchema,
  type MetricsApiServerOptions,
  type MetricsApiSettings,
} from './server.ts';
export {
  startMetricsApiServer,
  servingCertificate,
  loadServingCertificate,
  type RunningMetricsApiServer,
  type StartMetricsApiServerOptions,
} from './https.ts';
export { MetricStore, SeriesLimitError, type SeriesId, type LiveSeries, type MetricGroup } from './store.ts';
export {
  requestHeaderConfigFromConfigMap,
  defaultReadAuthorizer,
  delegatedReadAuthorizer,
  type AuthVia,
  type ReadAttributes,
  type RequestHeaderConfig,
  type ReadAuthorizer,
  type UserInfo,
} from './auth.ts';
export {
  DelegatedAuth,
  subjectAccessReviewSpec,
  type DelegatedAuthOptions,
  type SubjectAccessReviewSpec,
} from './delegated.ts';
export { staticPods, type PodsMatching, type StaticPod } from './pods.ts';
export { formatMetricQuantity, MAX_METRIC_VALUE } from './quantity.ts';
export { DEFAULT_RESOURCES, type DescribedResource } from './resources.ts';
