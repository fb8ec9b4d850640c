import type http from 'node:http';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { closeServer, createWebhookServer, listen, MAX_BODY_BYTES, secretMatches } from '../src/webhook.js';

const SECRET = 'unit_secret-123';
const quiet = createLogger({
  level: 'silent',
  destination: new Writable({ write: (_c, _e, done) => done() }),
});

let server: http.Server | undefined;
afterEach(async () => {
  if (server) await closeServer(server, 0);
  server = undefined;
});

async function serve(health: () => Record<string, unknown> | undefined, seen: unknown[] = []) {
  server = createWebhookServer({
    path: '/hook',
    secret: SECRET,
    handleUpdate: async (update) => {
      seen.push(update);
    },
    health,
    logger: quiet,
  });
  const { port } = await listen(server, 0, '127.0.0.1');
  return `http://127.0.0.1:${port}`;
}

describe('secretMatches', () => {
  it('accepts only the exact secret, whatever the length presented', () => {
    expect(secretMatches(SECRET, SECRET)).toBe(true);
    expect(secretMatches(`${SECRET}x`, SECRET)).toBe(false);
    expect(secretMatches(SECRET.slice(0, -1), SECRET)).toBe(false);
    expect(secretMatches('', SECRET)).toBe(false);
    expect(secretMatches(undefined, SECRET)).toBe(false);
    expect(secretMatches([SECRET, SECRET], SECRET)).toBe(false);
  });
});

describe('createWebhookServer', () => {
  it('reports 503 on /healthz until ready, then 200 with the size', async () => {
    let ready = false;
    const base = await serve(() => (ready ? { entries: 118 } : undefined));
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
    ready = true;
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', entries: 118 });
  });

  it('hands a valid update to the bot and answers 200 once it is handled', async () => {
    const seen: unknown[] = [];
    const base = await serve(() => ({}), seen);
    const res = await fetch(`${base}/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify({ update_id: 5, message: { text: 'hi' } }),
    });
    expect(res.status).toBe(200);
    expect(seen).toEqual([{ update_id: 5, message: { text: 'hi' } }]);
  });

  it('refuses bodies larger than an update can be', async () => {
    const base = await serve(() => ({}));
    const res = await fetch(`${base}/hook`, {
      method: 'POST',
      headers: { 'x-telegram-bot-api-secret-token': SECRET },
      body: 'x'.repeat(MAX_BODY_BYTES + 1),
    });
    expect(res.status).toBe(413);
  });

  it('accepts the path with a query string, as Telegram posts exactly the URL registered', async () => {
    const seen: unknown[] = [];
    const base = await serve(() => ({}), seen);
    const res = await fetch(`${base}/hook?x=1`, {
      method: 'POST',
      headers: { 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify({ update_id: 6 }),
    });
    expect(res.status).toBe(200);
    expect((await fetch(`${base}/hook/extra`, { method: 'POST' })).status).toBe(404);
  });
});
