/**
 * Drives the bot through `bot.handleUpdate` with botInfo preset and every Bot API call answered
 * in process (Telegram.prototype.callApi stubbed), so handler tests make no network call at all.
 */
import { Writable } from 'node:stream';
import { Telegram } from 'telegraf';
import type { Update } from 'telegraf/types';
import { vi } from 'vitest';
import { type CreateBotOptions, createBot } from '../../src/bot/create-bot.js';
import type { UnansweredEvent } from '../../src/bot/types.js';
import { detectEntities } from '../../src/emulator/entities.js';
import { type AnswerEngine, createAnswerEngine } from '../../src/engine/answer.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { defaultKnowledgeDir } from '../../src/knowledge/paths.js';
import { createLogger } from '../../src/logger.js';

export const TOKEN = '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
export const BOT_INFO = {
  id: 7_000_000_001,
  is_bot: true as const,
  first_name: 'Minsheng',
  username: 'MinshengBot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: true,
};
export const USER = { id: 42, is_bot: false, first_name: 'Alice', language_code: 'zh-hans' };
export const GROUP = { id: -1001234567890, type: 'supergroup' as const, title: 'Village' };

let shared: AnswerEngine | undefined;
/** The engine over the shipped knowledge, built once per test file. */
export function engine(): AnswerEngine {
  shared ??= createAnswerEngine(loadKnowledge(defaultKnowledgeDir()));
  return shared;
}

/** One Bot API call the bot made. */
export interface Call {
  method: string;
  payload: Record<string, unknown>;
}

/** A bot wired to stubbed API calls, with its log lines and unanswered events captured. */
export function harness(options: Partial<CreateBotOptions> & { fail?: (call: Call) => unknown } = {}) {
  const calls: Call[] = [];
  const logs: Record<string, unknown>[] = [];
  const unanswered: UnansweredEvent[] = [];
  let nextMessageId = 1000;
  vi.spyOn(Telegram.prototype, 'callApi').mockImplementation(async function (
    this: Telegram,
    method: string,
    payload: unknown,
  ) {
    const call = { method, payload: (payload ?? {}) as Record<string, unknown> };
    calls.push(call);
    const failure = options.fail?.(call);
    if (failure) throw failure;
    if (method === 'sendMessage') {
      return {
        message_id: nextMessageId++,
        date: 1_700_000_000,
        chat: { id: call.payload.chat_id },
        from: BOT_INFO,
        text: call.payload.text,
      };
    }
    return true;
  } as never);
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const bot = createBot({
    getEngine: engine,
    logger: createLogger({ level: 'debug', secrets: [TOKEN], destination }),
    config: { token: TOKEN },
    botInfo: BOT_INFO,
    onUnanswered: (e) => unanswered.push(e),
    ...options,
  });
  let updateId = 1;
  let messageId = 1;
  const send = async (update: Record<string, unknown>) => {
    const before = calls.length;
    await bot.handleUpdate({ update_id: updateId++, ...update } as unknown as Update);
    return calls.slice(before);
  };
  const message = (chat: Record<string, unknown>, text: string, extra: Record<string, unknown> = {}) => {
    const entities = detectEntities(text);
    return {
      message_id: messageId++,
      date: 1_700_000_000,
      chat,
      from: USER,
      text,
      ...(entities.length > 0 ? { entities } : {}),
      ...extra,
    };
  };
  return {
    bot,
    calls,
    logs,
    unanswered,
    send,
    /** A user writes in the private chat. */
    privateText: (text: string, extra: Record<string, unknown> = {}) =>
      send({ message: message({ id: USER.id, type: 'private', first_name: USER.first_name }, text, extra) }),
    /** A user writes in the group (as privacy mode would deliver it, or not: tests decide). */
    groupText: (text: string, extra: Record<string, unknown> = {}) =>
      send({ message: message(GROUP, text, extra) }),
    /** The id the next user message will get. */
    nextUserMessageId: () => messageId,
    press: (data: string, chat: Record<string, unknown> = { id: USER.id, type: 'private' }, msgId = 999) =>
      send({
        callback_query: {
          id: `cq${updateId}`,
          from: USER,
          chat_instance: '1',
          data,
          message: { message_id: msgId, date: 1_700_000_000, chat, from: BOT_INFO, text: 'answer' },
        },
      }),
    inline: (query: string) =>
      send({ inline_query: { id: `iq${updateId}`, from: USER, query, offset: '', chat_type: 'sender' } }),
  };
}

/** The messages among calls. */
export function sent(calls: readonly Call[]): Call['payload'][] {
  return calls.filter((c) => c.method === 'sendMessage').map((c) => c.payload);
}

/** The callback data of every button of a sendMessage payload. */
export function buttonData(payload: Call['payload'] | undefined): string[] {
  const markup = payload?.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined;
  return (markup?.inline_keyboard ?? []).flat().map((b) => b.callback_data ?? '');
}
