/**
 * Runs the real bot (startApp: getMe, setMyCommands, polling or webhook) against the project's
 * Bot API emulator on 127.0.0.1, with every log line captured so tests can check them.
 */
import { Writable } from 'node:stream';
import { type RunningApp, startApp } from '../../src/app.js';
import type { UnansweredEvent } from '../../src/bot/types.js';
import { type Config, DEFAULT_RELIABILITY, type ReliabilityConfig } from '../../src/config.js';
import {
  type BotApiServer,
  createBotApiServer,
  generateBotToken,
} from '../../src/emulator/bot-api-server.js';
import type { AnswerEngine } from '../../src/engine/answer.js';
import { type Knowledge, loadKnowledge } from '../../src/knowledge/load.js';
import { defaultKnowledgeDir } from '../../src/knowledge/paths.js';
import { createLogger } from '../../src/logger.js';

export const BOT_USERNAME = 'MinshengTestBot';
export const TOKEN = generateBotToken(7_100_000_001);
export const OTHER_TOKEN = generateBotToken(7_100_000_002);
export const SECRET = 'e2e_webhook-secret_0123456789';

let knowledge: Knowledge | undefined;

/**
 * What the end-to-end tests run with: Telegram's limits kept 20 times faster (so that the limiter is
 * in every test without slowing it), fast retries, and flood control loose enough for scripted users.
 */
export const TEST_RELIABILITY: ReliabilityConfig = {
  ...DEFAULT_RELIABILITY,
  sendLimits: {
    private: { count: 3, windowMs: 150 },
    group: { count: 20, windowMs: 3000 },
    global: { count: 25, windowMs: 50 },
  },
  retry: { ...DEFAULT_RELIABILITY.retry, baseDelayMs: 20, maxDelayMs: 200, timeoutMs: 5000 },
  flood: { maxQuestions: 100, windowMs: 10_000 },
};

/** A started emulator and bot; stop() ends the bot before the emulator, as Telegraf needs. */
export interface Running {
  server: BotApiServer;
  app: RunningApp;
  config: Config;
  logs: string[];
  unanswered: UnansweredEvent[];
  stop(): Promise<void>;
}

/** Starts the emulator (this bot and another bot) and the app in the given mode. */
export async function startBot(
  mode: 'polling' | 'webhook',
  overrides: Partial<Config> = {},
  getEngine?: () => AnswerEngine,
): Promise<Running> {
  const server = await createBotApiServer({
    bots: [
      { token: TOKEN, username: BOT_USERNAME, firstName: 'Minsheng', supportsInlineQueries: true },
      { token: OTHER_TOKEN, username: 'OtherHelperBot', firstName: 'Other' },
    ],
    webhookRetry: { initialDelayMs: 20, maxDelayMs: 50, maxAttempts: 3 },
  });
  const common = {
    reliability: TEST_RELIABILITY,
    token: TOKEN,
    apiRoot: `${server.apiRoot}/`,
    host: '127.0.0.1',
    port: 0,
    knowledgeDir: defaultKnowledgeDir(),
    logLevel: 'debug' as const,
  };
  const config: Config =
    mode === 'polling'
      ? ({ ...common, mode, ...overrides } as Config)
      : ({
          ...common,
          mode,
          // Port 0 is resolved after listen; the URL is set below once the port is known.
          webhookUrl: 'http://127.0.0.1:1/telegram/hook',
          webhookPath: '/telegram/hook',
          webhookSecret: SECRET,
          ...overrides,
        } as Config);
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({
    level: 'debug',
    secrets: [TOKEN, config.mode === 'webhook' ? config.webhookSecret : undefined],
    destination,
  });
  knowledge ??= loadKnowledge(defaultKnowledgeDir());
  const unanswered: UnansweredEvent[] = [];
  let app: RunningApp;
  if (config.mode === 'webhook') {
    // Pick a free port first so that WEBHOOK_URL can name it, as a deployment's config would.
    const port = await freePort();
    const url = `http://127.0.0.1:${port}${config.webhookPath}`;
    app = await startApp({
      config: { ...config, port, webhookUrl: url },
      logger,
      knowledge,
      onUnanswered: (e) => unanswered.push(e),
    });
  } else {
    app = await startApp({
      config,
      logger,
      knowledge,
      onUnanswered: (e) => unanswered.push(e),
      ...(getEngine ? { getEngine } : {}),
    });
  }
  return {
    server,
    app,
    config,
    logs,
    unanswered,
    stop: async () => {
      await app.stop('test over');
      await server.close();
    },
  };
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The callback data of a message's buttons. */
export function buttonsOf(message: {
  reply_markup?: { inline_keyboard: { callback_data?: string }[][] };
}): string[] {
  return (message.reply_markup?.inline_keyboard ?? [])
    .flat()
    .flatMap((b) => (b.callback_data ? [b.callback_data] : []));
}
