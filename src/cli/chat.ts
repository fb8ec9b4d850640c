/**
 * `npm run chat`: talk to the bot in the terminal, no token and no network. The real bot (the same
 * startApp as `npm start`) polls the project's local Bot API emulator; you are a Telegram user in
 * a private chat, or in a group with privacy mode on (/group). Buttons are pressed by number.
 * With stdin piped it reads one line at a time, prints the replies, and exits at the end.
 */
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { type RunningApp, StartError, startApp } from '../app.js';
import { type Config, DEFAULT_RELIABILITY, type ReliabilityConfig } from '../config.js';
import {
  type BotApiServer,
  createBotApiServer,
  generateBotToken,
  type TgChat,
  type TgMessage,
  type TgMessageEntity,
  type TgUser,
} from '../emulator/bot-api-server.js';
import { parseTelegramHtml } from '../emulator/html.js';
import { KnowledgeError } from '../knowledge/load.js';
import { defaultKnowledgeDir } from '../knowledge/paths.js';
import { createLogger } from '../logger.js';

const BOT_USERNAME = 'MinshengBot';
const USER_NAME = '小明';
const WAIT_MS = 10_000;

const HELP = `本地命令（其余输入都会发给机器人）：
  数字        按下机器人最近一条消息下的第几个按钮
  /group      切换到群聊「演示群」（隐私模式：机器人只看得到 /ask、回复它的消息和 @${BOT_USERNAME}），再输一次回到私聊
  > 问题      在群里回复机器人的上一条消息（追问）
  /inline 问题  试试行内模式（在任何聊天里输入 @${BOT_USERNAME} 问题），再输数字选一个发出去
  /keys       再看一遍这些命令
  /quit       退出（或 Ctrl-D）`;

/** Text styles for a terminal that shows colours, or none. */
interface Style {
  bold(s: string): string;
  dim(s: string): string;
  italic(s: string): string;
  code(s: string): string;
  bot(s: string): string;
  user(s: string): string;
}

function styleFor(color: boolean): Style {
  const wrap = (open: number, close: number) => (s: string) =>
    color ? `\x1b[${open}m${s}\x1b[${close}m` : s;
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    italic: wrap(3, 23),
    code: wrap(36, 39),
    bot: wrap(32, 39),
    user: wrap(34, 39),
  };
}

/**
 * A message's text with its entities shown: bold, italic and code styled when colours are on;
 * Telegram's offsets count UTF-16 code units, as JavaScript strings do.
 */
function formatEntities(
  text: string,
  entities: readonly TgMessageEntity[] | undefined,
  style: Style,
): string {
  const styled = (entities ?? []).filter((e) => ['bold', 'italic', 'code', 'pre'].includes(e.type));
  if (styled.length === 0) return text;
  const opens = new Map<number, TgMessageEntity[]>();
  for (const e of styled) opens.set(e.offset, [...(opens.get(e.offset) ?? []), e]);
  let out = '';
  let i = 0;
  while (i < text.length) {
    const starting = opens.get(i)?.[0];
    if (starting) {
      const inner = text.slice(i, i + starting.length);
      const f =
        starting.type === 'bold' ? style.bold : starting.type === 'italic' ? style.italic : style.code;
      out += f(inner);
      i += starting.length;
    } else {
      out += text[i];
      i += 1;
    }
  }
  return out;
}

/** What the chat shows for a button press or an inline pick: the pressable things of the moment. */
type Choice =
  | { kind: 'button'; chatId: number; messageId: number; data: string }
  | { kind: 'inline'; html: string; title: string };

class TerminalChat {
  private group = false;
  private choices: Choice[] = [];
  private readonly printed = new Set<string>();
  private readonly chatOf: { private: TgChat; group: TgChat };

  constructor(
    private readonly server: BotApiServer,
    private readonly user: TgUser,
    private readonly style: Style,
    private readonly write: (line: string) => void,
    /** Whether the bot still has updates to handle (it takes them from Telegram before handling them). */
    private readonly busy: () => boolean = () => false,
  ) {
    this.chatOf = {
      private: server.privateChat(user),
      group: server.createGroup({ title: '演示群', members: [user], bots: [BOT_USERNAME] }),
    };
  }

  get prompt(): string {
    return this.group ? '群聊 › ' : '私聊 › ';
  }

  private get chat(): TgChat {
    return this.group ? this.chatOf.group : this.chatOf.private;
  }

  /** Handles one line typed (or piped); resolves when the bot has answered it. */
  async handle(line: string): Promise<'quit' | undefined> {
    const input = line.trim();
    if (!input) return undefined;
    if (input === '/quit' || input === '/exit') return 'quit';
    if (input === '/keys') {
      this.write(HELP);
      return undefined;
    }
    if (input === '/group' || input === '/private') {
      this.group = input === '/group' ? !this.group : false;
      this.choices = [];
      this.write(
        this.style.dim(
          this.group
            ? `—— 现在在群聊「演示群」。用 /ask 问题 提问，或用 > 回复机器人；其他聊天它看不到，也不会回应。/group 回到私聊。`
            : '—— 回到与机器人的私聊。',
        ),
      );
      return undefined;
    }
    if (/^\d+$/.test(input)) return this.choose(Number(input));
    if (input.startsWith('/inline')) return this.inline(input.replace(/^\/inline\s*/, ''));
    if (input.startsWith('>')) return this.replyToBot(input.slice(1).trim());
    return this.send(input);
  }

  private async send(text: string, replyTo?: number): Promise<undefined> {
    const mark = this.lastMessageId();
    const sent = this.server.sendText(this.chat.id, this.user, text, replyTo ? { replyTo } : {});
    if (sent.withheldFrom.some((b) => b.username === BOT_USERNAME)) {
      // A command for another bot is not for us at all; anything else could have been asked with /ask.
      const hint = text.startsWith('/')
        ? '（这条命令不是发给本机器人的，它看不到，也不会回应。）'
        : `（隐私模式：机器人看不到这条群消息。请用 /ask ${text}，或用“> ${text}”回复它的消息。）`;
      this.write(this.style.dim(hint));
      return undefined;
    }
    await this.settle(sent.updates.map((u) => u.update_id));
    this.showBotMessages(mark);
    return undefined;
  }

  private async replyToBot(text: string): Promise<undefined> {
    const last = this.server
      .messagesIn(this.chat.id)
      .filter((m) => m.from?.username === BOT_USERNAME)
      .at(-1);
    if (!last) {
      this.write(this.style.dim('（还没有机器人的消息可以回复。）'));
      return undefined;
    }
    if (!text) {
      this.write(this.style.dim('（在 > 后面写上问题，例如：> 那兴和县呢？）'));
      return undefined;
    }
    return this.send(text, last.message_id);
  }

  private async choose(n: number): Promise<undefined> {
    const choice = this.choices[n - 1];
    if (!choice) {
      this.write(
        this.style.dim(
          this.choices.length ? `（请输入 1 到 ${this.choices.length}。）` : '（现在没有可以按的按钮。）',
        ),
      );
      return undefined;
    }
    const mark = this.lastMessageId();
    if (choice.kind === 'inline') {
      const parsed = parseTelegramHtml(choice.html);
      const content = parsed.ok ? { text: parsed.text, entities: parsed.entities } : { text: choice.title };
      const sent = this.server.sendUserMessage(this.chat.id, this.user, content, { viaBot: BOT_USERNAME });
      this.choices = [];
      this.write(`${this.style.user(`${USER_NAME} 通过 @${BOT_USERNAME} 发送：`)}`);
      this.write(indent(formatEntities(sent.message.text ?? '', sent.message.entities, this.style)));
      await this.settle(sent.updates.map((u) => u.update_id));
      this.showBotMessages(mark);
      return undefined;
    }
    const { queryId, update } = this.server.pressButton(
      choice.chatId,
      choice.messageId,
      choice.data,
      this.user,
    );
    await this.settle(update ? [update.update_id] : []);
    const toast = this.server.callbackAnswer(queryId);
    if (toast?.text) this.write(this.style.dim(`（${toast.showAlert ? '提示框' : '提示'}：${toast.text}）`));
    this.showBotMessages(mark);
    return undefined;
  }

  private async inline(query: string): Promise<undefined> {
    const { queryId, update } = this.server.inlineQuery(this.user, query, { bot: BOT_USERNAME });
    await this.settle(update ? [update.update_id] : []);
    const results = (this.server.inlineAnswer(queryId) ?? []) as {
      title?: string;
      description?: string;
      input_message_content?: { message_text?: string };
    }[];
    if (results.length === 0) {
      this.write(this.style.dim('（没有行内结果。）'));
      return undefined;
    }
    this.write(this.style.dim(`行内结果（@${BOT_USERNAME} ${query}）：输入数字把它发到当前聊天`));
    this.choices = results.map((r) => ({
      kind: 'inline',
      title: r.title ?? '',
      html: r.input_message_content?.message_text ?? r.title ?? '',
    }));
    results.forEach((r, i) => {
      this.write(`  [${i + 1}] ${this.style.bold(r.title ?? '')}`);
      if (r.description) this.write(`      ${this.style.dim(clip(r.description, 60))}`);
    });
    return undefined;
  }

  /** Waits until the bot has taken these updates and handled everything it took. */
  private async settle(updateIds: readonly number[]): Promise<void> {
    if (updateIds.length === 0) return;
    try {
      await this.server.waitFor(
        () => {
          const pending = new Set(this.server.pendingUpdates(BOT_USERNAME).map((u) => u.update_id));
          return updateIds.every((id) => !pending.has(id)) && !this.busy();
        },
        WAIT_MS,
        'the bot to answer',
      );
    } catch {
      this.write(this.style.dim('（机器人没有回应。）'));
    }
  }

  private lastMessageId(): number {
    return Math.max(0, ...this.server.messagesIn(this.chat.id).map((m) => m.message_id));
  }

  /** Prints the bot's messages in the current chat after `mark`, numbering the buttons of the last. */
  private showBotMessages(mark: number): void {
    const messages = this.server
      .messagesIn(this.chat.id)
      .filter((m) => m.from?.username === BOT_USERNAME && m.message_id > mark);
    for (const m of messages) {
      const key = `${this.chat.id}:${m.message_id}`;
      if (this.printed.has(key)) continue;
      this.printed.add(key);
      this.printMessage(m);
    }
  }

  private printMessage(m: TgMessage): void {
    const replyTo = m.reply_to_message;
    const head = replyTo
      ? `🤖 ${BOT_USERNAME} ↩ 回复「${clip(replyTo.text ?? '', 24)}」`
      : `🤖 ${BOT_USERNAME}`;
    this.write(this.style.bot(head));
    this.write(indent(formatEntities(m.text ?? '', m.entities, this.style)));
    const rows = m.reply_markup?.inline_keyboard ?? [];
    if (rows.length === 0) return;
    this.choices = [];
    for (const row of rows) {
      const cells: string[] = [];
      for (const b of row) {
        if (b.callback_data === undefined) {
          cells.push(this.style.dim(`[链接] ${b.text}`));
          continue;
        }
        this.choices.push({
          kind: 'button',
          chatId: this.chat.id,
          messageId: m.message_id,
          data: b.callback_data,
        });
        cells.push(`${this.style.bold(`[${this.choices.length}]`)} ${b.text}`);
      }
      this.write(`   ${cells.join('   ')}`);
    }
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `   ${l}`)
    .join('\n');
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return [...flat].length > max ? `${[...flat].slice(0, max - 1).join('')}…` : flat;
}

function withoutFloodControl(reliability: ReliabilityConfig): ReliabilityConfig {
  const { flood: _off, ...rest } = reliability;
  return rest;
}

async function main(): Promise<number> {
  const interactive = Boolean(process.stdin.isTTY);
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const style = styleFor(color);
  const write = (line: string) => process.stdout.write(`${line}\n`);

  const token = generateBotToken(7_000_000_777);
  const server = await createBotApiServer({
    bots: [{ token, username: BOT_USERNAME, firstName: '民生访谈问答', supportsInlineQueries: true }],
  });
  const config: Config = {
    mode: 'polling',
    token,
    apiRoot: `${server.apiRoot}/`,
    host: '127.0.0.1',
    port: 0,
    knowledgeDir: process.env.KNOWLEDGE_DIR || defaultKnowledgeDir(),
    logLevel: 'warn',
    // Telegram's limits as in production; a piped script is not a flood, so flood control is off then.
    reliability: interactive ? DEFAULT_RELIABILITY : withoutFloodControl(DEFAULT_RELIABILITY),
  };
  // The bot's logs would drown the conversation: warnings and errors only, on stderr.
  const level = (process.env.LOG_LEVEL as Config['logLevel'] | undefined) ?? 'warn';
  const logger = createLogger({
    level,
    secrets: [token],
    destination: pino.destination({ dest: 2, sync: true }),
  });

  let app: RunningApp;
  try {
    app = await startApp({ config, logger });
  } catch (err) {
    await server.close();
    process.stderr.write(
      `${err instanceof KnowledgeError || err instanceof StartError ? err.message : String(err)}\n`,
    );
    return 1;
  }
  const user = server.createUser({ firstName: USER_NAME, languageCode: 'zh-hans' });
  const chat = new TerminalChat(server, user, style, write, () => app.pending() > 0);

  write(style.bold('民生访谈问答 · 终端聊天'));
  write(
    style.dim(
      `这是真正的机器人，跑在本地模拟的 Telegram 上：不需要 token，也不联网。你是“${USER_NAME}”，在和 @${BOT_USERNAME} 私聊。`,
    ),
  );
  write(
    style.dim(
      '直接输入问题回车发送，例如：兴和县的城镇化率是多少？ 试试 /start、/help，接着追问“那克什克腾旗呢？”',
    ),
  );
  write(style.dim(HELP));
  write('');

  const rl = createInterface({
    input: process.stdin,
    terminal: interactive,
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const stop = async () => {
    rl.close();
    await app.stop('chat over');
    await server.close();
  };
  // Ctrl-C ends the chat as Ctrl-D does.
  rl.on('SIGINT', () => rl.close());
  if (interactive) {
    rl.setPrompt(chat.prompt);
    rl.prompt();
  }
  for await (const line of rl) {
    if (!interactive && line.trim()) write(`${style.user(`${chat.prompt}${line.trim()}`)}`);
    const result = await chat.handle(line);
    if (result === 'quit') break;
    if (interactive) {
      write('');
      rl.setPrompt(chat.prompt);
      rl.prompt();
    }
  }
  await stop();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
