import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TgUser } from '../../src/emulator/bot-api-server.js';
import { BOT_USERNAME, buttonsOf, OTHER_TOKEN, type Running, startBot, TOKEN } from './helpers.js';

let run: Running;
let alice: TgUser;
let bob: TgUser;

beforeAll(async () => {
  run = await startBot('polling');
  alice = run.server.createUser({ firstName: 'Alice', username: 'alice_w' });
  bob = run.server.createUser({ firstName: 'Bob' });
});

afterAll(async () => {
  await run?.stop();
});

/** Sends a text as a user and waits until the bot has handled it (its update confirmed). */
async function say(chatId: number, from: TgUser, text: string, options: { replyTo?: number } = {}) {
  const { message, updates } = run.server.sendText(chatId, from, text, options);
  await settle(updates.map((u) => u.update_id));
  return message;
}

/** Waits until the bot has confirmed these updates, which Telegraf does after handling them. */
async function settle(ids: number[]) {
  await run.server.waitFor(() => {
    const pending = new Set(run.server.pendingUpdates().map((u) => u.update_id));
    return ids.every((id) => !pending.has(id)) && !ids.some((id) => inFlight(id));
  }, 5000);
}

function inFlight(updateId: number): boolean {
  // An update is done when its log line is written.
  return !run.logs.some((l) => l.includes(`"update_id":${updateId},`));
}

function botMessagesAfter(chatId: number, messageId: number) {
  return run.server.messagesIn(chatId).filter((m) => m.from?.is_bot && m.message_id > messageId);
}

describe('polling against the emulator', () => {
  it('starts: getMe, commands for private chats and groups, webhook deleted without dropping updates', async () => {
    // A long poll is recorded when it returns: give it something to return.
    await say(run.server.privateChat(bob).id, bob, '你好');
    const poll = await run.server.waitForCall('getUpdates');
    const methods = run.server.calls.map((c) => c.method);
    expect(methods.slice(0, 2)).toEqual(['getMe', 'setMyCommands']);
    expect(run.server.commandsOf(TOKEN, { type: 'all_private_chats' }).map((c) => c.command)).toContain(
      'start',
    );
    expect(run.server.commandsOf(TOKEN, { type: 'all_group_chats' }).map((c) => c.command)).toContain('ask');
    const deleteWebhook = run.server.calls.find((c) => c.method === 'deleteWebhook');
    expect(deleteWebhook?.params.drop_pending_updates).not.toBe(true);
    expect(poll.params.allowed_updates).toContain('callback_query');
  });

  it('private chat: /start with example buttons, a question, a button press, a follow-up', async () => {
    const chat = run.server.privateChat(alice);
    const start = await say(chat.id, alice, '/start');
    const [welcome] = botMessagesAfter(chat.id, start.message_id);
    expect(welcome?.text).toContain('您好，Alice！');
    const example = buttonsOf(welcome ?? {})[0];
    expect(example).toMatch(/^ask:/);

    const asked = await say(chat.id, alice, '兴和县的城镇化率是多少？');
    const [answer] = botMessagesAfter(chat.id, asked.message_id);
    expect(answer?.text).toContain('48%');
    expect(run.server.calls.some((c) => c.method === 'sendChatAction' && c.params.action === 'typing')).toBe(
      true,
    );

    const full = buttonsOf(answer ?? {}).find((d) => d.startsWith('full:'));
    expect(full).toBeDefined();
    const before = run.server.messagesIn(chat.id).at(-1)?.message_id ?? 0;
    const { queryId, update } = run.server.pressButton(
      chat.id,
      answer?.message_id ?? 0,
      full as string,
      alice,
    );
    await settle([update?.update_id ?? -1]);
    expect(run.server.callbackAnswer(queryId)).toBeDefined();
    const callOrder = run.server.calls.filter(
      (c) => c.method === 'answerCallbackQuery' || c.method === 'sendMessage',
    );
    const answered = callOrder.findIndex(
      (c) => c.method === 'answerCallbackQuery' && c.params.callback_query_id === queryId,
    );
    expect(callOrder[answered + 1]?.method).toBe('sendMessage');
    expect(botMessagesAfter(chat.id, before)[0]?.text).toContain('刘政');

    const follow = await say(chat.id, alice, '那克什克腾旗呢？');
    expect(botMessagesAfter(chat.id, follow.message_id)).toHaveLength(1);
  });

  it('groups with privacy mode: /ask, /ask@Bot, replies; not chatter or other bots’ commands', async () => {
    const group = run.server.createGroup({
      title: '村民群',
      members: [alice, bob],
      bots: [TOKEN, OTHER_TOKEN],
    });
    const ask = await say(group.id, alice, '/ask 兴和县的城镇化率是多少？');
    const [answer] = botMessagesAfter(group.id, ask.message_id);
    expect(answer?.reply_to_message?.message_id).toBe(ask.message_id);
    expect(answer?.text).toContain('48%');

    const named = await say(group.id, bob, `/ask@${BOT_USERNAME} 克什克腾旗的贫困发生率是多少？`);
    expect(botMessagesAfter(group.id, named.message_id)[0]?.reply_to_message?.message_id).toBe(
      named.message_id,
    );

    // Chatter never reaches a bot with privacy mode on; the bot would not answer it anyway.
    const chatter = run.server.sendText(group.id, alice, '今天开会吗？');
    expect(chatter.withheldFrom.map((b) => b.username)).toContain(BOT_USERNAME);

    const other = await say(group.id, alice, '/ask@OtherHelperBot 城镇化率');
    const plain = await say(group.id, alice, '/weather');
    expect(botMessagesAfter(group.id, other.message_id)).toEqual([]);
    expect(plain.message_id).toBeGreaterThan(other.message_id);

    const lastBot = run.server
      .messagesIn(group.id)
      .filter((m) => m.from?.is_bot)
      .at(-1);
    const reply = await say(group.id, bob, '那兴和县呢？', { replyTo: lastBot?.message_id ?? 0 });
    const [followUp] = botMessagesAfter(group.id, reply.message_id);
    expect(followUp?.reply_to_message?.message_id).toBe(reply.message_id);

    const empty = await say(group.id, alice, '/ask');
    expect(botMessagesAfter(group.id, empty.message_id)[0]?.text).toContain('请在 /ask 后面写上问题');
  });

  it('a group where the bot sees everything (admin) still answers only what is addressed to it', async () => {
    const group = run.server.createGroup({ title: '管理群', members: [alice], admins: [TOKEN] });
    const chatter = await say(group.id, alice, '兴和县的城镇化率是多少？');
    expect(botMessagesAfter(group.id, chatter.message_id)).toEqual([]);
    const mention = await say(group.id, alice, `@${BOT_USERNAME} 兴和县的城镇化率是多少？`);
    expect(botMessagesAfter(group.id, mention.message_id)[0]?.text).toContain('48%');
  });

  it('inline mode: up to 5 results that Telegram accepts; examples for an empty query', async () => {
    const { queryId, update } = run.server.inlineQuery(alice, '兴和县的城镇化率是多少');
    await settle([update?.update_id ?? -1]);
    const results = run.server.inlineAnswer(queryId) as { title: string }[];
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThanOrEqual(5);
    expect(results[0]?.title).toContain('48%');
    const empty = run.server.inlineQuery(alice, '');
    await settle([empty.update?.update_id ?? -1]);
    expect((run.server.inlineAnswer(empty.queryId) ?? []).length).toBeGreaterThan(0);
  });

  it('stickers, edits, channel posts and membership updates: polite or silent, never an error', async () => {
    const chat = run.server.privateChat(bob);
    const sticker = run.server.sendUserMessage(chat.id, bob, {
      sticker: { file_id: 'x', file_unique_id: 'x', type: 'regular', width: 512, height: 512 },
    });
    await settle(sticker.updates.map((u) => u.update_id));
    expect(botMessagesAfter(chat.id, sticker.message.message_id)[0]?.text).toContain('文字');

    const question = await say(chat.id, bob, '兴和县的城镇化率是多少？');
    const edited = run.server.editUserMessage(chat.id, question.message_id, '克什克腾旗呢');
    await settle(edited.updates.map((u) => u.update_id));

    const channel = run.server.createChannel({ title: '新闻', bots: [TOKEN] });
    run.server.pushUpdate({ channel_post: { message_id: 1, date: 1, chat: channel, text: '/ask 城镇化率' } });

    const group = run.server.createGroup({ title: '新群', members: [alice] });
    run.server.addBotToChat(group.id, TOKEN, { by: alice });
    const greeting = await run.server.waitForBotMessage(group.id);
    expect(greeting.text).toContain('/ask');
    run.server.kickBot(group.id, TOKEN, { by: alice });
    await run.server.waitFor(() => run.server.pendingUpdates().length === 0, 5000);

    expect(
      run.server.messagesIn(chat.id).filter((m) => m.from?.is_bot && m.message_id > question.message_id + 1),
    ).toEqual([]);
    expect(run.logs.filter((l) => l.includes('"level":50'))).toEqual([]);
  });

  it('stops once, however often it is asked to, confirming the updates it handled', async () => {
    await Promise.all([run.app.stop('first'), run.app.stop('second')]);
    await run.app.done;
    expect(run.server.pendingUpdates()).toEqual([]);
    expect(run.logs.filter((l) => l.includes('polling stopped'))).toHaveLength(1);
  });

  it('makes no call Telegram refuses, and never logs the token', () => {
    const refused = run.server.calls.filter((c) => c.httpStatus !== undefined && c.httpStatus >= 400);
    expect(
      refused.map(
        (c) => `${c.method}: ${c.response && 'description' in c.response ? c.response.description : ''}`,
      ),
    ).toEqual([]);
    expect(run.logs.length).toBeGreaterThan(5);
    for (const line of run.logs) expect(line).not.toContain(TOKEN.split(':')[1]);
    expect(run.unanswered.every((e) => !JSON.stringify(e).includes('Alice'))).toBe(true);
  });
});

describe('answers Telegram checks strictly', () => {
  it('splits an answer over 4,096 characters and escapes markup so that every part is accepted', async () => {
    const { createAnswerEngine } = await import('../../src/engine/answer.js');
    const { loadKnowledge } = await import('../../src/knowledge/load.js');
    const { defaultKnowledgeDir } = await import('../../src/knowledge/paths.js');
    const real = createAnswerEngine(loadKnowledge(defaultKnowledgeDir()));
    const base = real.answerEntry('xh-urbanization-rate-2016');
    if (base?.kind !== 'answered') throw new Error('expected an answer');
    const lead = `<b>不是标签</b> & 1 < 2 😀。${'民生工作取得新进展，群众获得感明显增强。'.repeat(420)}`;
    const huge = { ...base, parts: base.parts.map((p) => ({ ...p, lead })) };
    const strict = await startBot('polling', {}, () => ({ ...real, answer: () => huge }));
    try {
      const user = strict.server.createUser({ firstName: 'Carol' });
      const { message } = strict.server.sendText(user.id, user, '随便');
      await strict.server.waitFor(() => strict.logs.some((l) => l.includes('"update_id":1,')), 5000);
      const replies = strict.server.messagesIn(user.id).filter((m) => m.message_id > message.message_id);
      expect(replies.length).toBeGreaterThan(1);
      for (const r of replies) expect((r.text ?? '').length).toBeLessThanOrEqual(4096);
      expect(replies[0]?.text).toContain('<b>不是标签</b> & 1 < 2 😀');
      expect(replies.at(-1)?.reply_markup).toBeDefined();
      expect(replies.slice(0, -1).every((r) => r.reply_markup === undefined)).toBe(true);
      expect(strict.server.calls.filter((c) => (c.httpStatus ?? 200) >= 400)).toEqual([]);
    } finally {
      await strict.stop();
    }
  });
});
