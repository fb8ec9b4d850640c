import { describe, expect, it } from 'vitest';
import { createMemoryContextStore } from '../../src/bot/context-store.js';

const ctx = (question: string) => ({ previous: { question, entryId: 'e' } });

describe('createMemoryContextStore', () => {
  it('keeps a context per key', async () => {
    const store = createMemoryContextStore();
    await store.set('chat:1', ctx('a'));
    await store.set('chat:2', ctx('b'));
    expect((await store.get('chat:1'))?.previous?.question).toBe('a');
    expect((await store.get('chat:2'))?.previous?.question).toBe('b');
    await store.delete('chat:1');
    expect(await store.get('chat:1')).toBeUndefined();
  });

  it('forgets contexts older than the time limit', async () => {
    let now = 0;
    const store = createMemoryContextStore({ ttlMs: 1000, now: () => now });
    await store.set('chat:1', ctx('a'));
    now = 999;
    expect(await store.get('chat:1')).toBeDefined();
    now = 1000;
    expect(await store.get('chat:1')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('holds at most maxEntries, dropping the least recently used', async () => {
    const store = createMemoryContextStore({ maxEntries: 2 });
    await store.set('a', ctx('a'));
    await store.set('b', ctx('b'));
    await store.get('a');
    await store.set('c', ctx('c'));
    expect(store.size).toBe(2);
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBeDefined();
    expect(await store.get('c')).toBeDefined();
  });
});
