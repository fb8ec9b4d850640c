/**
 * The webhook server (node:http): Telegram's POSTs are accepted only at the path of WEBHOOK_URL and
 * only with the right X-Telegram-Bot-Api-Secret-Token (compared in constant time); `GET /healthz`
 * answers 200 with the knowledge's size once the bot is ready, 503 before.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'telegraf/types';
import type { Logger } from './logger.js';

/** The header Telegram sends the webhook's secret in. */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
/** Telegram's updates are small; anything bigger than this is not one. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Options of {@link createWebhookServer}. */
export interface WebhookServerOptions {
  /** The only path updates are accepted at (the path of WEBHOOK_URL). */
  readonly path: string;
  readonly secret: string;
  /** Handles one update; the response is sent when it settles. */
  readonly handleUpdate: (update: Update) => Promise<void>;
  /** What /healthz reports: undefined until the bot is ready. */
  readonly health: () => Record<string, unknown> | undefined;
  readonly logger: Logger;
}

/** Compares a presented secret with the expected one in constant time (lengths included). */
export function secretMatches(presented: string | string[] | undefined, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  // Hashing first gives equal lengths, so neither the content nor the length leaks through timing.
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Creates (without starting) the HTTP server for webhook mode. */
export function createWebhookServer(options: WebhookServerOptions): http.Server {
  const { logger } = options;
  return http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err }, 'webhook request failed');
      if (!res.headersSent) reply(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      const health = options.health();
      reply(res, health ? 200 : 503, health ? { status: 'ok', ...health } : { status: 'starting' });
      return;
    }
    if (pathname !== options.path) {
      reply(res, 404, { error: 'not found' });
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      reply(res, 405, { error: 'method not allowed' });
      return;
    }
    if (!secretMatches(req.headers[SECRET_HEADER], options.secret)) {
      logger.warn({ remote: req.socket.remoteAddress }, 'webhook request without the right secret');
      reply(res, 401, { error: 'unauthorized' });
      return;
    }
    const body = await readBody(req);
    if (body === undefined) {
      reply(res, 413, { error: 'too large' });
      return;
    }
    let update: Update;
    try {
      update = JSON.parse(body) as Update;
    } catch {
      reply(res, 400, { error: 'invalid JSON' });
      return;
    }
    if (typeof update !== 'object' || update === null || typeof update.update_id !== 'number') {
      reply(res, 400, { error: 'not an update' });
      return;
    }
    await options.handleUpdate(update);
    reply(res, 200, { ok: true });
  }
}

function reply(res: http.ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts listening; resolves with the address (port 0 picks a free one). */
export function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Stops accepting connections and waits for requests in progress (their updates are being
 * handled), closing idle keep-alive connections at once and every connection after `timeoutMs`.
 */
export function closeServer(server: http.Server, timeoutMs = 3000): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
