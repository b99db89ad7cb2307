import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * Serves the built web UI (web/dist) with a single-page-app fallback: unknown non-API paths get
 * index.html so client-side routes (/failures/12) survive a reload. Paths are confined to the dir.
 */
export function registerStaticUi(app: FastifyInstance, dir: string): void {
  const root = resolve(dir);
  const index = join(root, 'index.html');
  app.get('/*', async (req, reply) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname.startsWith('/api/')) return reply.code(404).send({ error: 'not found', path: url.pathname });
    if (!existsSync(index)) {
      return reply
        .code(404)
        .type('text/plain; charset=utf-8')
        .send('The web UI is not built: run `npm run build:web` (npm start does it).\n');
    }
    const candidate = normalize(join(root, decodeURIComponent(url.pathname)));
    const inside = candidate === root || candidate.startsWith(root + sep);
    const file =
      inside &&
      (await stat(candidate).then(
        (s) => s.isFile(),
        () => false,
      ))
        ? candidate
        : index;
    const body = await readFile(file);
    const cache = file === index ? 'no-cache' : 'public, max-age=31536000, immutable';
    return reply
      .header('cache-control', cache)
      .type(TYPES[extname(file)] ?? 'application/octet-stream')
      .send(body);
  });
}
