/**
 * The bot's pino logger: JSON lines, one field set per unit of work (`logger.child`), and secrets
 * (the bot token, the webhook secret) redacted from every line — as values of known keys, and
 * anywhere inside a string too, since Telegraf's network errors carry the API URL with the token.
 */
import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger } from 'pino';

/** What a redacted secret is replaced with. */
export const REDACTED = '[REDACTED]';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  readonly level?: LogLevel;
  /** Strings that must never appear in a log line: the bot token, the webhook secret. */
  readonly secrets?: readonly (string | undefined)[];
  /** Where lines go (default: stdout). */
  readonly destination?: DestinationStream;
  /** Fields on every line. */
  readonly base?: Record<string, unknown>;
}

/**
 * Returns a function that replaces every occurrence of the secrets in a text. A bot token is
 * redacted whole, and its secret half on its own too (the part after the colon is what grants
 * access, and it survives URL encoding unchanged).
 */
export function createRedactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    needles.add(secret);
    needles.add(encodeURIComponent(secret));
    const colon = secret.indexOf(':');
    if (colon > 0 && secret.length - colon > 8) needles.add(secret.slice(colon + 1));
  }
  // Longest first, so the whole token is replaced before its half.
  const ordered = [...needles].filter((n) => n.length >= 6).sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const needle of ordered) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    return out;
  };
}

/** Creates the logger; the secrets given are scrubbed from each line just before it is written. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const redact = createRedactor(options.secrets ?? []);
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? { service: 'minsheng-bot' },
      redact: {
        paths: [
          'token',
          'botToken',
          'config.token',
          'config.webhookSecret',
          'webhookSecret',
          'secret',
          'headers["x-telegram-bot-api-secret-token"]',
          'req.headers["x-telegram-bot-api-secret-token"]',
        ],
        censor: REDACTED,
      },
      serializers: { err: pino.stdSerializers.err },
      hooks: { streamWrite: redact },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
