/**
 * A hostile-input corpus against the real bot: huge texts, zero-width and right-to-left characters,
 * HTML and Markdown injection, Fuse.js extended-search operators, malformed updates, unknown update
 * kinds, button data from nowhere and long inline queries. The bot must not crash, must keep
 * answering, and must make no API call Telegram would refuse (the emulator checks HTML, lengths
 * and button data as Telegram does).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TgUpdateInput, TgUser } from '../../src/emulator/bot-api-server.js';
import { tooLongText } from '../../src/render/texts.js';
import { BOT_USERNAME, type Running, startBot, TEST_RELIABILITY } from '../e2e/helpers.js';
import { botMessages } from './helpers.js';

/** Texts a user can type (each at most 4,096 characters, as Telegram allows). */
const TEXTS: readonly string[] = [
  '民'.repeat(4096),
  '<'.repeat(4096),
  '&'.repeat(4000),
  'a'.repeat(501),
  '兴和县'.repeat(200),
  '😀'.repeat(2000),
  '👨‍👩‍👧‍👦'.repeat(300),
  `${'\n'.repeat(3000)}兴和县的城镇化率是多少`,
  '<b>'.repeat(1000),
  'Z̴̡̢̛̗̘̙̜̝̞̟̠̀́̂̃̄̅'.repeat(50),
  '兴\u200b和\u200c县\u200d的城镇化率\ufeff是多少',
  '\u200b',
  '\u2060\u2061\u2062\u2063',
  '\u202e兴和县的城镇化率是多少\u202c',
  '\u202e<b>x</b>\u202d',
  '\u200f\u200e克什克腾旗的贫困发生率\u200f',
  'مرحبا كم معدل التحضر في شينغخه؟',
  'שלום, מה שיעור העוני?',
  '<b>兴和县</b>的城镇化率是多少？',
  '<script>alert(1)</script>',
  '</code></pre><a href="javascript:alert(1)">点我</a>',
  '&lt;b&gt; &amp; &quot; &#39; &nbsp; &copy;',
  '<tg-spoiler>兴和县</tg-spoiler>城镇化率',
  '<a href="tg://user?id=1">兴和县</a>的城镇化率',
  '<i>未闭合的标签 <b>兴和县',
  '兴和县 & 克什克腾旗 < > " \' 的城镇化率',
  '*兴和县* _城镇化率_ `代码` [链接](http://example.com)',
  '```\n兴和县\n```',
  '||剧透|| ~~删除~~ __下划线__',
  '_*[]()~`>#+-=|{}.!',
  "'兴和 !城镇化 ^克旗 =48% | $",
  '=兴和县',
  '^克什克腾旗$',
  '!贫困',
  "'城镇化率 | '贫困发生率",
  '兴和县 | 克旗 | $ | ^ | !',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${} is part of the hostile input
  '.*+?^${}()|[]\\',
  '\\'.repeat(300),
  '兴和县\u0000城镇化率',
  '\u0001\u0002\u0007\u001b[31m red',
  '\ud800兴和县',
  `@${BOT_USERNAME}`,
  '/start ../../etc/passwd',
  `/start ${'a'.repeat(64)}`,
  '/start <b>',
  `/unknown@${BOT_USERNAME} <i>`,
  '1e309',
  'NaN',
  'ＳＥＬＥＣＴ ＊ ＦＲＯＭ ｕｓｅｒｓ；',
  "'; DROP TABLE users; --",
  '{"method":"sendMessage","chat_id":1,"text":"<b>"}',
  'https://t.me/MinshengTestBot?start=<script>',
  '興和縣的城鎮化率是多少',
  'xīng hé xiàn chéng zhèn huà lǜ',
  '那兴和县呢？',
];

/** Inline queries (Telegram allows 256 characters; the corpus goes past that). */
const INLINE_QUERIES: readonly string[] = [
  '民'.repeat(300),
  '<b>兴和县</b>&amp;',
  "'兴和 !城镇化 ^克旗 =48% | $",
  '\u202e\u200b',
  `@${BOT_USERNAME} 兴和县`,
];

let run: Running;
let chatOwner: TgUser;

beforeAll(async () => {
  run = await startBot('polling', { reliability: TEST_RELIABILITY });
  chatOwner = run.server.createUser({ firstName: 'Mallory' });
  run.server.privateChat(chatOwner);
});

afterAll(async () => {
  await run?.stop();
});

/** Updates a Telegram client could never send: missing fields, wrong types, unknown kinds. */
function malformedUpdates(user: TgUser): TgUpdateInput[] {
  const chat = { id: user.id, type: 'private', first_name: user.first_name };
  const group = run.server.createGroup({ title: '怪群', members: [user], admins: [BOT_USERNAME] });
  const from = { id: user.id, is_bot: false, first_name: user.first_name };
  const raw = (u: Record<string, unknown>) => u as TgUpdateInput;
  return [
    raw({ message: { chat, text: '没有发送者' } }),
    raw({ message: { chat, from, text: 12345 } }),
    raw({ message: { chat, from, text: '/a', entities: [{ type: 'bot_command', offset: 0, length: 999 }] } }),
    raw({ message: { chat: group, from, text: '/ask x', entities: 'not an array' } }),
    raw({
      message: { chat: group, from, text: 'x', entities: [{ type: 'mention', offset: -5, length: 80 }] },
    }),
    raw({ message: { chat, from, text: '/start', reply_to_message: 'not a message' } }),
    raw({ message: null }),
    raw({ message: 'just a string' }),
    raw({ message: {} }),
    raw({ edited_message: { chat, from, text: '<b>' } }),
    raw({}),
    raw({ some_future_update: { id: 1, payload: '<b>' } }),
    raw({ business_message_v9: { chat, from, text: 'hi' } }),
    raw({ callback_query: { id: 'cb-1', from, chat_instance: 'x', data: 'full:does-not-exist' } }),
    raw({ callback_query: { id: 'cb-2', from, chat_instance: 'x', data: 'ask:../../../etc' } }),
    raw({ callback_query: { id: 'cb-3', from, chat_instance: 'x', data: '\u0000\uffff<b>' } }),
    raw({ callback_query: { id: 'cb-4', from, chat_instance: 'x', data: '兴'.repeat(21) } }),
    raw({ callback_query: { id: 'cb-5', from, chat_instance: 'x' } }),
    raw({ callback_query: { id: 'cb-6', from, chat_instance: 'x', data: 'src:x', inline_message_id: 'im' } }),
    raw({
      callback_query: {
        id: 'cb-7',
        from,
        chat_instance: 'x',
        data: 'full:does-not-exist',
        message: { message_id: 1, date: 0, chat },
      },
    }),
    raw({ callback_query: { id: 'cb-8', from, chat_instance: 'x', data: '', message: { chat: null } } }),
    raw({ inline_query: { id: 'iq-1', from, query: null, offset: '' } }),
    raw({ inline_query: { id: 'iq-2', from, query: { $gt: '' }, offset: '' } }),
    raw({ my_chat_member: { chat, from, date: 0, old_chat_member: {}, new_chat_member: {} } }),
    raw({ my_chat_member: { chat: group, from, date: 0 } }),
  ];
}

describe('hostile input', () => {
  it('survives the whole corpus, answers what can be answered, and makes no call Telegram would refuse', async () => {
    const senders = TEXTS.map((_, i) => run.server.createUser({ firstName: `H${i}` }));
    const textUpdates = TEXTS.flatMap((text, i) => {
      const user = senders[i] as TgUser;
      return run.server.sendText(user.id, user, text).updates.map((u) => u.update_id);
    });
    const group = run.server.createGroup({
      title: '恶意群',
      members: senders.slice(0, 5),
      bots: [BOT_USERNAME],
    });
    for (const text of TEXTS.slice(0, 20)) {
      run.server.sendText(group.id, senders[0] as TgUser, `/ask@${BOT_USERNAME} ${text}`.slice(0, 4096));
    }
    for (const query of INLINE_QUERIES) run.server.inlineQuery(chatOwner, query);
    const malformed = malformedUpdates(chatOwner);
    for (const update of malformed) run.server.pushUpdate(update);
    const inputs = TEXTS.length + INLINE_QUERIES.length + malformed.length;
    expect(inputs).toBeGreaterThanOrEqual(50);

    await run.server.waitFor(
      () => run.server.pendingUpdates().length === 0 && run.app.pending() === 0,
      20_000,
      'the corpus handled',
    );
    // Still serving: a plain question right after gets its answer.
    const after = run.server.createUser({ firstName: 'After' });
    run.server.sendText(after.id, after, '兴和县的城镇化率是多少？');
    expect((await run.server.waitForBotMessage(after.id, () => true, { timeoutMs: 5000 })).text).toContain(
      '48%',
    );

    // No call Telegram refuses, nor input it accepts only with a warning.
    const refused = run.server.calls.filter((c) => (c.httpStatus ?? 200) >= 400);
    expect(refused.map((c) => `${c.method} ${JSON.stringify(c.response)}`)).toEqual([]);
    expect(run.server.calls.filter((c) => c.warnings?.length)).toEqual([]);
    // Every typed text got an answer of Telegram's size; the over-long ones the one-line reply.
    for (const [i, text] of TEXTS.entries()) {
      const replies = botMessages(run.server, (senders[i] as TgUser).id);
      expect(replies.length, `a reply to input #${i}`).toBeGreaterThan(0);
      for (const r of replies) expect((r.text ?? '').length).toBeLessThanOrEqual(4096);
      // Whitespace runs count as one space (3,000 newlines before a question leave a short question).
      const asked = text.replace(/\s+/g, ' ').trim();
      if (asked.length > 500 && !text.startsWith('/')) {
        expect(replies.map((r) => r.text)).toEqual([tooLongText(500)]);
      }
    }
    expect(textUpdates).toHaveLength(TEXTS.length);
    // Every inline query and button press was answered.
    const answeredQueries = run.server.calls.filter((c) => c.method === 'answerInlineQuery').length;
    expect(answeredQueries).toBeGreaterThanOrEqual(INLINE_QUERIES.length);
    for (const id of ['cb-1', 'cb-2', 'cb-3', 'cb-4', 'cb-5', 'cb-6', 'cb-7']) {
      expect(run.server.callbackAnswer(id), id).toBeDefined();
    }
    // Nothing escaped the error boundaries.
    expect(run.logs.filter((l) => l.includes('still serving'))).toEqual([]);
    expect(run.logs.filter((l) => l.includes('"level":60'))).toEqual([]);
  });
});
