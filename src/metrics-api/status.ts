import { ApiError, badRequest } from '../kube/apimachinery/errors.ts';

/**
 * The Status errors this server answers with, worded as kube-apiserver and custom-metrics-apiserver
 * word them (provider.NewMetricNotFoundError and friends), so `kubectl get --raw` and the HPA's
 * events read the same as with the reference adapter. Built on the sim's Status type: same wire shape.
 */
export { ApiError, badRequest };

/** "the server could not find the metric X for pods" (custom-metrics-apiserver NewMetricNotFoundError). */
export function metricNotFound(resource: string, metric: string): ApiError {
  return new ApiError({
    message: `the server could not find the metric ${metric} for ${resource}`,
    reason: 'NotFound',
    code: 404,
  });
}

/** "... for pods web-1" (NewMetricNotFoundForError), with " with selector k=v" when one was given. */
export function metricNotFoundFor(resource: string, metric: string, name: string, selector?: string): ApiError {
  const sel = selector ? ` with selector ${selector}` : '';
  return new ApiError({
    message: `the server could not find the metric ${metric} for ${resource} ${name}${sel}`,
    reason: 'NotFound',
    code: 404,
  });
}

export function externalMetricNotFound(metric: string, namespace: string, selector: string): ApiError {
  const sel = selector ? ` with selector ${selector}` : '';
  return new ApiError({
    message: `the server could not find the external metric ${metric} in namespace ${namespace}${sel}`,
    reason: 'NotFound',
    code: 404,
  });
}

export function pathNotFound(): ApiError {
  return new ApiError({
    message: 'the server could not find the requested resource',
    reason: 'NotFound',
    details: {},
    code: 404,
  });
}

export function unauthorized(): ApiError {
  return new ApiError({ message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
}

export function forbidden(user: string, verb: string, what: string): ApiError {
  return new ApiError({
    message: `${what} is forbidden: User "${user}" cannot ${verb} ${what}`,
    reason: 'Forbidden',
    code: 403,
  });
}

/** Refused past the series bound: a quota, which Kubernetes reports as 403 Forbidden too. */
export function seriesLimit(message: string): ApiError {
  return new ApiError({ message, reason: 'Forbidden', code: 403 });
}

export function methodNotAllowed(): ApiError {
  return new ApiError({
    message: 'the server does not allow this method on the requested resource',
    reason: 'MethodNotAllowed',
    details: {},
    code: 405,
  });
}

export function notAcceptable(): ApiError {
  return new ApiError({
    message: 'only the following media types are accepted: application/json',
    reason: 'NotAcceptable',
    code: 406,
  });
}

export function tooLarge(): ApiError {
  return new ApiError({ message: 'the request entity is too large', reason: 'RequestEntityTooLarge', code: 413 });
}

export function internalError(message: string): ApiError {
  return new ApiError({ message: `Internal error occurred: ${message}`, reason: 'InternalError', code: 500 });
}
