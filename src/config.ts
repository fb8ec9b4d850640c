/**
 * Configuration from the environment: a zod schema discriminated on BOT_MODE, so that webhook mode
 * cannot start without its URL and secret. `createConfig(env)` is pure and fails with one line that
 * says what to fix; `loadEnvFile()` reads `.env` into the environment when there is one.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { defaultKnowledgeDir } from './knowledge/paths.js';

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
} as const;

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
