/**
 * The update queue on its own: one chat in order, chats side by side, bounded concurrency and
 * memory, redeliveries dropped, and a stop that drains or gives up cleanly.
 */
import type { Update } from 'telegraf/types';
import { describe, expect, it } from 'vitest';
import { createUpdateQueue, orderingKey } from '../../src/transport/update-queue.js';
import { captureLogger } from './helpers.js';

const message = (updateId: number, chatId: number): Update =>
  ({
    update_id: updateId,
    message: { message_id: updateId, date: 0, chat: { id: chatId, type: 'private' }, text: 'q' },
  }) as unknown as Update;

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('orderingKey', () => {
  it('orders by chat, then by user, and handles malformed updates on their own', () => {
    expect(orderingKey(message(1, 42))).toBe('chat:42');
    const press = {
      update_id: 2,
      callback_query: { id: 'q', from: { id: 7 }, message: { chat: { id: -5 } } },
    };
    expect(orderingKey(press as unknown as Update)).toBe('chat:-5');
    const inline = { update_id: 3, inline_query: { id: 'i', from: { id: 7 }, query: '' } };
    expect(orderingKey(inline as unknown as Update)).toBe('user:7');
    expect(orderingKey({ update_id: 4 } as Update)).toBe('update:4');
    expect(orderingKey({ update_id: 5, message: null } as unknown as Update)).toBe('update:5');
    expect(orderingKey({ update_id: 6, message: 'text' } as unknown as Update)).toBe('update:6');
  });
});

describe('createUpdateQueue', () => {
  it('handles one chat in order while other chats go ahead of a slow update', async () => {
    const done: string[] = [];
    const slow = deferred();
    const queue = createUpdateQueue({
      concurrency: 8,
      limit: 100,
      logger: captureLogger().logger,
      handle: async (u) => {
        const chat = (u as { message: { chat: { id: number } } }).message.chat.id;
        if (u.update_id === 1) await slow.promise;
        done.push(`${chat}:${u.update_id}`);
      },
    });
    await queue.accept(message(1, 1));
    await queue.accept(message(2, 1));
    await queue.accept(message(3, 2));
    await queue.accept(message(4, 3));
    await delay(30);
    expect(done).toEqual(['2:3', '3:4']);
    slow.resolve();
    await delay(30);
    expect(done).toEqual(['2:3', '3:4', '1:1', '1:2']);
    expect(queue.pending).toBe(0);
  });

  it('runs at most `concurrency` updates at once and holds back past `limit`', async () => {
    let running = 0;
    let peak = 0;
    const gate = deferred();
    const queue = createUpdateQueue({
      concurrency: 3,
      limit: 5,
      logger: captureLogger().logger,
      handle: async () => {
        running++;
        peak = Math.max(peak, running);
        await gate.promise;
        running--;
      },
    });
    for (let i = 1; i <= 5; i++) expect(await queue.accept(message(i, i))).toBe('accepted');
    let sixth = false;
    const waiting = queue.accept(message(6, 6)).then((v) => {
      sixth = true;
      return v;
    });
    await delay(30);
    expect(peak).toBe(3);
    expect(sixth).toBe(false);
    gate.resolve();
    expect(await waiting).toBe('accepted');
    await delay(30);
    expect(queue.pending).toBe(0);
    expect(peak).toBe(3);
  });

  it('drops an update it has already taken (a redelivery)', async () => {
    const seen: number[] = [];
    const queue = createUpdateQueue({
      concurrency: 2,
      limit: 10,
      logger: captureLogger().logger,
      handle: async (u) => {
        seen.push(u.update_id);
      },
    });
    expect(await queue.accept(message(1, 1))).toBe('accepted');
    expect(await queue.accept(message(1, 1))).toBe('duplicate');
    await delay(20);
    expect(seen).toEqual([1]);
  });

  it('logs what a handler throws with the update id and carries on', async () => {
    const log = captureLogger();
    const seen: number[] = [];
    const queue = createUpdateQueue({
      concurrency: 2,
      limit: 10,
      logger: log.logger,
      handle: async (u) => {
        if (u.update_id === 1) throw new Error('boom');
        seen.push(u.update_id);
      },
    });
    await queue.accept(message(1, 1));
    await queue.accept(message(2, 1));
    await delay(20);
    expect(seen).toEqual([2]);
    expect(log.lines.find((l) => l.msg === 'update failed')).toMatchObject({ update_id: 1, level: 50 });
  });

  it('on close, drains what it can within the deadline and never starts the rest', async () => {
    const started: number[] = [];
    const queue = createUpdateQueue({
      concurrency: 1,
      limit: 10,
      logger: captureLogger().logger,
      handle: async (u) => {
        started.push(u.update_id);
        await delay(u.update_id === 1 ? 20 : 200);
      },
    });
    for (let i = 1; i <= 4; i++) await queue.accept(message(i, i));
    const abandoned = await queue.close(100);
    expect(abandoned).toEqual([2, 3, 4]);
    expect(await queue.accept(message(9, 9))).toBe('closed');
    await delay(300);
    expect(started).toEqual([1, 2]);
  });

  it('closes at once when idle', async () => {
    const queue = createUpdateQueue({
      concurrency: 1,
      limit: 1,
      logger: captureLogger().logger,
      handle: async () => {},
    });
    expect(await queue.close(10_000)).toEqual([]);
  });
});
