/**
 * Configuration from the environment: a zod schema discriminated on BOT_MODE, so that webhook mode
 * cannot start without its URL and secret. `createConfig(env)` is pure and fails with one line that
 * says what to fix; `loadEnvFile()` reads `.env` into the environment when there is one.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { FloodRule } from './bot/flood-store.js';
import { defaultKnowledgeDir } from './knowledge/paths.js';
import {
  DEFAULT_RETRY_POLICY,
  DEFAULT_SEND_LIMITS,
  type RetryPolicy,
  type SendLimits,
  sendLimitsFromRates,
} from './transport/outgoing.js';
import { unansweredLogPath } from './unanswered/log.js';

/** The log levels pino knows, plus silent. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Ports Telegram's cloud Bot API posts webhooks to; a self-hosted Bot API server allows any. */
export const TELEGRAM_WEBHOOK_PORTS = [443, 80, 88, 8443] as const;

/** Error messages, named so that tests and docs refer to the same words. */
export const CONFIG_MESSAGES = {
  tokenMissing:
    'BOT_TOKEN is not set: create a bot with @BotFather in Telegram (send /newbot), then put the token it gives you in .env as BOT_TOKEN=… (see .env.example)',
  tokenMalformed:
    'BOT_TOKEN does not look like a bot token (digits, a colon, then 30 or more letters, digits, _ or -): copy it again from @BotFather (/mybots → your bot → API Token)',
  mode: 'BOT_MODE must be "polling" (the default) or "webhook"',
  port: 'PORT must be a whole number from 1 to 65535',
  webhookUrlMissing:
    'WEBHOOK_URL is required when BOT_MODE=webhook: the public https URL Telegram posts updates to',
  webhookUrlInvalid:
    'WEBHOOK_URL must be an absolute http(s) URL such as https://bot.example.org/telegram/webhook',
  webhookUrlHttps:
    'WEBHOOK_URL must use https: Telegram posts webhooks only to https URLs (plain http only works with a self-hosted TELEGRAM_API_ROOT)',
  webhookUrlPort: `WEBHOOK_URL must use one of the ports Telegram posts to (${TELEGRAM_WEBHOOK_PORTS.join(', ')}); let a reverse proxy forward to HOST:PORT`,
  webhookSecretMissing:
    'WEBHOOK_SECRET is required when BOT_MODE=webhook: 1 to 256 characters of A-Z a-z 0-9 _ - (for example the output of `openssl rand -hex 32`)',
  webhookSecretInvalid: 'WEBHOOK_SECRET must be 1 to 256 characters of A-Z a-z 0-9 _ - only',
  apiRoot: 'TELEGRAM_API_ROOT must be an absolute http(s) URL, such as http://127.0.0.1:8081',
  logLevel: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`,
  onOff: (key: string) => `${key} must be "on" or "off"`,
  number: (key: string, min: number, max: number) => `${key} must be a number from ${min} to ${max}`,
  wholeNumber: (key: string, min: number, max: number) =>
    `${key} must be a whole number from ${min} to ${max}`,
} as const;

/** The limits the bot keeps, and how it copes with Telegram's faults and with floods of questions. */
export interface ReliabilityConfig {
  /** Outgoing rate limits per private chat, per group and overall; undefined when RATE_LIMIT=off. */
  readonly sendLimits?: SendLimits;
  /** Retries of failed Bot API calls. */
  readonly retry: RetryPolicy;
  /** Per-user flood control; undefined when FLOOD_CONTROL=off. */
  readonly flood?: FloodRule;
  /** Longer questions get a one-line reply instead of a search. */
  readonly maxQuestionChars: number;
  /** Updates of different chats handled at once. */
  readonly concurrency: number;
  /** Updates accepted but not yet handled before polling (or the webhook) holds back. */
  readonly queueLimit: number;
  /** How long a stop waits for updates in progress before it abandons the rest. */
  readonly drainMs: number;
}

/** The defaults of every RATE_*, RETRY_*, FLOOD_*, MAX_QUESTION_CHARS and UPDATE_* setting. */
export const DEFAULT_RELIABILITY: ReliabilityConfig = {
  sendLimits: DEFAULT_SEND_LIMITS,
  retry: DEFAULT_RETRY_POLICY,
  flood: { maxQuestions: 6, windowMs: 10_000 },
  maxQuestionChars: 500,
  concurrency: 64,
  queueLimit: 1000,
  drainMs: 3000,
};

const TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{30,}$/;
const SECRET = /^[A-Za-z0-9_-]{1,256}$/;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

const onOff = (key: string, fallback: 'on' | 'off') =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['on', 'off'], { error: CONFIG_MESSAGES.onOff(key) }))
    .default(fallback);

const between = (key: string, min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: CONFIG_MESSAGES.number(key, min, max) })
    .min(min, { error: CONFIG_MESSAGES.number(key, min, max) })
    .max(max, { error: CONFIG_MESSAGES.number(key, min, max) })
    .default(fallback);

const whole = (key: string, min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: CONFIG_MESSAGES.wholeNumber(key, min, max) })
    .int({ error: CONFIG_MESSAGES.wholeNumber(key, min, max) })
    .min(min, { error: CONFIG_MESSAGES.wholeNumber(key, min, max) })
    .max(max, { error: CONFIG_MESSAGES.wholeNumber(key, min, max) })
    .default(fallback);

const Reliability = {
  RATE_LIMIT: onOff('RATE_LIMIT', 'on'),
  RATE_GLOBAL_PER_SECOND: between('RATE_GLOBAL_PER_SECOND', 0.1, 1000, 25),
  RATE_PRIVATE_PER_SECOND: between('RATE_PRIVATE_PER_SECOND', 0.01, 100, 1),
  RATE_PRIVATE_BURST: whole('RATE_PRIVATE_BURST', 1, 100, 3),
  RATE_GROUP_PER_MINUTE: whole('RATE_GROUP_PER_MINUTE', 1, 1000, 20),
  RETRY_MAX: whole('RETRY_MAX', 0, 20, DEFAULT_RETRY_POLICY.maxRetries),
  RETRY_MAX_WAIT_SECONDS: whole('RETRY_MAX_WAIT_SECONDS', 1, 3600, DEFAULT_RETRY_POLICY.maxRetryAfterS),
  API_TIMEOUT_SECONDS: between('API_TIMEOUT_SECONDS', 1, 600, DEFAULT_RETRY_POLICY.timeoutMs / 1000),
  RETRY_UNCERTAIN_SENDS: whole('RETRY_UNCERTAIN_SENDS', 0, 3, DEFAULT_RETRY_POLICY.repeatUncertainSends),
  FLOOD_CONTROL: onOff('FLOOD_CONTROL', 'on'),
  FLOOD_MAX_QUESTIONS: whole('FLOOD_MAX_QUESTIONS', 1, 1000, 6),
  FLOOD_WINDOW_SECONDS: between('FLOOD_WINDOW_SECONDS', 1, 3600, 10),
  MAX_QUESTION_CHARS: whole('MAX_QUESTION_CHARS', 1, 4096, DEFAULT_RELIABILITY.maxQuestionChars),
  UPDATE_CONCURRENCY: whole('UPDATE_CONCURRENCY', 1, 10_000, DEFAULT_RELIABILITY.concurrency),
  UPDATE_QUEUE_LIMIT: whole('UPDATE_QUEUE_LIMIT', 1, 1_000_000, DEFAULT_RELIABILITY.queueLimit),
};

const Common = z.object({
  BOT_TOKEN: z
    .string({ error: CONFIG_MESSAGES.tokenMissing })
    .trim()
    .regex(TOKEN, { error: CONFIG_MESSAGES.tokenMalformed }),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  PORT: z.coerce
    .number({ error: CONFIG_MESSAGES.port })
    .int({ error: CONFIG_MESSAGES.port })
    .min(1, { error: CONFIG_MESSAGES.port })
    .max(65_535, { error: CONFIG_MESSAGES.port })
    .default(8080),
  TELEGRAM_API_ROOT: z.string().trim().refine(isHttpUrl, { error: CONFIG_MESSAGES.apiRoot }).optional(),
  KNOWLEDGE_DIR: z.string().trim().min(1).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: CONFIG_MESSAGES.logLevel }).default('info'),
  UNANSWERED_LOG: z.string().trim().optional(),
  ...Reliability,
});

const Polling = Common.extend({ BOT_MODE: z.literal('polling') });

const Webhook = Common.extend({
  BOT_MODE: z.literal('webhook'),
  WEBHOOK_URL: z
    .string({ error: CONFIG_MESSAGES.webhookUrlMissing })
    .trim()
    .refine(isHttpUrl, { error: CONFIG_MESSAGES.webhookUrlInvalid }),
  WEBHOOK_SECRET: z
    .string({ error: CONFIG_MESSAGES.webhookSecretMissing })
    .regex(SECRET, { error: CONFIG_MESSAGES.webhookSecretInvalid }),
}).superRefine((env, ctx) => {
  // The cloud Bot API only posts to https on four ports; a self-hosted server is not so strict.
  if (env.TELEGRAM_API_ROOT !== undefined || !isHttpUrl(env.WEBHOOK_URL)) return;
  const url = new URL(env.WEBHOOK_URL);
  if (url.protocol !== 'https:') {
    ctx.addIssue({ code: 'custom', path: ['WEBHOOK_URL'], message: CONFIG_MESSAGES.webhookUrlHttps });
  } else if (!(TELEGRAM_WEBHOOK_PORTS as readonly number[]).includes(Number(url.port || 443))) {
    ctx.addIssue({ code: 'custom', path: ['WEBHOOK_URL'], message: CONFIG_MESSAGES.webhookUrlPort });
  }
});

/** The environment's schema: polling or webhook, told apart by BOT_MODE. */
export const EnvSchema = z.discriminatedUnion('BOT_MODE', [Polling, Webhook], {
  error: CONFIG_MESSAGES.mode,
});

interface CommonConfig {
  /** The bot's token from @BotFather. Never log it (the logger redacts it). */
  readonly token: string;
  /** Where the webhook server (and /healthz) listens. */
  readonly host: string;
  readonly port: number;
  /** A self-hosted Bot API server (ends with a slash, so a path prefix is kept); undefined for Telegram's. */
  readonly apiRoot?: string;
  /** An absolute path. */
  readonly knowledgeDir: string;
  readonly logLevel: LogLevel;
  /** The unanswered-question log (JSON lines); undefined when switched off (UNANSWERED_LOG=off). */
  readonly unansweredLog?: string;
  /** Limits, retries and flood control (default {@link DEFAULT_RELIABILITY}). */
  readonly reliability?: ReliabilityConfig;
}

/** Long polling: the bot asks Telegram for updates (development, or one machine without a public URL). */
export interface PollingConfig extends CommonConfig {
  readonly mode: 'polling';
}

/** Webhook: Telegram posts updates to `webhookUrl`; the server takes them at `webhookPath` with the secret. */
export interface WebhookConfig extends CommonConfig {
  readonly mode: 'webhook';
  readonly webhookUrl: string;
  /** The path of `webhookUrl`: the only path updates are accepted at. */
  readonly webhookPath: string;
  readonly webhookSecret: string;
}

/** The validated configuration. */
export type Config = PollingConfig | WebhookConfig;

/** Thrown by {@link createConfig}; its message is one line naming each setting to fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Validates an environment (process.env or a plain object) into a Config. Pure: reads nothing else.
 * Empty values count as unset, so a copied `.env.example` with blank lines behaves as expected.
 */
export function createConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') raw[key] = value;
  }
  raw.BOT_MODE = (raw.BOT_MODE ?? 'polling').trim().toLowerCase();
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    const messages = [...new Set(parsed.error.issues.map((issue) => issue.message))];
    throw new ConfigError(`Configuration error: ${messages.join('; ')}`);
  }
  const e = parsed.data;
  const common: CommonConfig = {
    token: e.BOT_TOKEN,
    host: e.HOST,
    port: e.PORT,
    knowledgeDir: resolve(e.KNOWLEDGE_DIR ?? defaultKnowledgeDir()),
    logLevel: e.LOG_LEVEL,
    ...unansweredLogOf(e.UNANSWERED_LOG),
    reliability: reliabilityOf(e),
    ...(e.TELEGRAM_API_ROOT ? { apiRoot: withTrailingSlash(e.TELEGRAM_API_ROOT) } : {}),
  };
  if (e.BOT_MODE === 'polling') return { ...common, mode: 'polling' };
  return {
    ...common,
    mode: 'webhook',
    webhookUrl: e.WEBHOOK_URL,
    webhookPath: new URL(e.WEBHOOK_URL).pathname,
    webhookSecret: e.WEBHOOK_SECRET,
  };
}

function reliabilityOf(e: z.infer<typeof Common>): ReliabilityConfig {
  return {
    ...(e.RATE_LIMIT === 'on'
      ? {
          sendLimits: sendLimitsFromRates({
            globalPerSecond: e.RATE_GLOBAL_PER_SECOND,
            privatePerSecond: e.RATE_PRIVATE_PER_SECOND,
            privateBurst: e.RATE_PRIVATE_BURST,
            groupPerMinute: e.RATE_GROUP_PER_MINUTE,
          }),
        }
      : {}),
    retry: {
      ...DEFAULT_RETRY_POLICY,
      maxRetries: e.RETRY_MAX,
      maxRetryAfterS: e.RETRY_MAX_WAIT_SECONDS,
      timeoutMs: Math.round(e.API_TIMEOUT_SECONDS * 1000),
      repeatUncertainSends: e.RETRY_UNCERTAIN_SENDS,
    },
    ...(e.FLOOD_CONTROL === 'on'
      ? {
          flood: { maxQuestions: e.FLOOD_MAX_QUESTIONS, windowMs: Math.round(e.FLOOD_WINDOW_SECONDS * 1000) },
        }
      : {}),
    maxQuestionChars: e.MAX_QUESTION_CHARS,
    concurrency: e.UPDATE_CONCURRENCY,
    queueLimit: e.UPDATE_QUEUE_LIMIT,
    drainMs: DEFAULT_RELIABILITY.drainMs,
  };
}

// Telegraf builds `new URL('./bot<token>/<method>', apiRoot)`: without the slash a path prefix is lost.
function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** Loads `.env` from `path` into process.env when the file exists (variables already set win). */
export function loadEnvFile(path = '.env'): boolean {
  if (!existsSync(path)) return false;
  process.loadEnvFile(path);
  return true;
}

/** UNANSWERED_LOG: a path (default data/unanswered.jsonl, resolved), or off/none/false/0 to switch it off. */
function unansweredLogOf(value: string | undefined): { unansweredLog?: string } {
  const path = unansweredLogPath({ UNANSWERED_LOG: value });
  return path ? { unansweredLog: resolve(path) } : {};
}
