/**
 * Static files for the demo page (packages/test-server/demo, built later): GET only, confined to
 * one directory, `index.html` for directories.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** A directory served under a URL prefix (`/` for the root). */
export interface StaticMount {
  /** URL path prefix, starting with `/`, e.g. `/client`. */
  prefix: string;
  /** Directory whose files are served under the prefix. */
  dir: string;
}

/**
 * Parses a `--static` argument: `DIR` (served at `/`) or `/PREFIX=DIR`.
 * @internal
 */
export function parseMount(arg: string): StaticMount {
  const eq = arg.indexOf('=');
  if (arg.startsWith('/') && eq > 0) {
    return { prefix: arg.slice(0, eq).replace(/\/+$/, '') || '/', dir: arg.slice(eq + 1) };
  }
  return { prefix: '/', dir: arg };
}

/**
 * Serves `req` from the mount with the longest matching prefix; answers 404 when none matches
 * or the file is missing or outside the mount's directory.
 */
export async function serveMounts(
  req: IncomingMessage,
  res: ServerResponse,
  mounts: readonly StaticMount[],
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  let best: StaticMount | undefined;
  for (const m of mounts) {
    const matches = m.prefix === '/' || path === m.prefix || path.startsWith(`${m.prefix}/`);
    if (matches && (!best || m.prefix.length > best.prefix.length)) best = m;
  }
  if (!best) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    return;
  }
  const rest = best.prefix === '/' ? path : path.slice(best.prefix.length) || '/';
  return serveStatic(req, res, best.dir, rest);
}

/** Serves `req` from `dir`; answers 404 for anything outside it or missing. */
export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  dir: string,
  urlPath: string = (req.url ?? '/').split('?')[0]!,
): Promise<void> {
  const notFound = (): void => {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return notFound();
  const root = resolve(dir);
  let pathname: string;
  try {
    pathname = decodeURIComponent(urlPath);
  } catch {
    return notFound();
  }
  let file = resolve(join(root, pathname));
  if (file !== root && !file.startsWith(root + sep)) return notFound();
  try {
    let info = await stat(file);
    if (info.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file);
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': info.size,
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  } catch {
    notFound();
  }
}
