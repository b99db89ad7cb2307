/** Realistic application log lines (a Spring-style access log) for the log generator. */
const PATHS = [
  '/system/user/list',
  '/system/role/list',
  '/auth/login',
  '/api/orders',
  '/healthz',
  '/system/menu/getRouters',
];
const LEVELS = ['INFO', 'INFO', 'INFO', 'INFO', 'DEBUG', 'WARN'];

export function appLogLine(seq: number, now: Date): string {
  const path = PATHS[seq % PATHS.length] ?? '/';
  const level = LEVELS[seq % LEVELS.length] ?? 'INFO';
  const status = seq % 97 === 0 ? 500 : 200;
  const ms = 3 + ((seq * 37) % 120);
  return `${now.toISOString()} ${level} 1 --- [nio-8080-exec-${(seq % 10) + 1}] c.r.s.c.RequestLogger : GET ${path} ${status} ${ms}ms`;
}
