import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, fetchJson } from './api.ts';

export interface ApiState<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  reload(): void;
}

/**
 * GETs `path` (null: nothing to fetch) and re-fetches when it changes or every `refreshMs`.
 * The previous data stays while the next page loads, so tables do not flash empty.
 */
export function useApi<T>(path: string | null, refreshMs?: number): ApiState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError | Error>();
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    if (path === null) return;
    const call = ++latest.current;
    setLoading(true);
    fetchJson<T>(path)
      .then((d) => {
        if (call !== latest.current) return;
        setData(d);
        setError(undefined);
      })
      .catch((err: unknown) => {
        if (call !== latest.current) return;
        setError(err instanceof Error ? err : new Error(String(err)));
      })
      .finally(() => {
        if (call === latest.current) setLoading(false);
      });
  }, [path, tick]);

  useEffect(() => {
    if (!refreshMs || path === null) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') setTick((n) => n + 1);
    }, refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs, path]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload };
}

/**
 * Like useApi, refreshing every `refreshMs` only while `live(data)` holds (an action still running,
 * an alert being processed). Pass a module-level `live`, so it is the same function every render.
 */
export function useLiveApi<T>(path: string | null, live: (data: T) => boolean, refreshMs = 2_000): ApiState<T> {
  const [polling, setPolling] = useState(true);
  const state = useApi<T>(path, polling ? refreshMs : undefined);
  const { data } = state;
  useEffect(() => {
    if (data !== undefined) setPolling(live(data));
  }, [data, live]);
  return state;
}
