/**
 * Shared pieces of the reliability tests: a logger whose lines the test can read, Telegram's
 * limits compressed in time (the same numbers for the emulator and for the limiter), and a count
 * of what the emulator delivered.
 */
import { Writable } from 'node:stream';
import type { BotApiServer, TelegramLimits, TgMessage } from '../../src/emulator/bot-api-server.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { SendLimits } from '../../src/transport/outgoing.js';

/** A debug logger and the JSON lines it wrote. */
export function captureLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

/**
 * Telegram's limits with time compressed: the shape Telegram has (1 message/s per private chat
 * with a burst, 20 per minute per group, 30 per second overall) at `speedup` times the pace. The
 * emulator enforces these numbers and the limiter keeps the very same ones.
 */
export function compressedLimits(speedup: number): {
  emulator: Partial<TelegramLimits>;
  limiter: SendLimits;
} {
  const privatePerSecond = 1 * speedup;
  const privateBurst = 3;
  const groupWindowMs = 60_000 / speedup;
  const globalPerSecond = 30;
  const globalWindowMs = 1000 / speedup;
  return {
    emulator: {
      privatePerSecond,
      privateBurst,
      groupPerMinute: 20,
      groupWindowMs,
      globalPerSecond,
      globalWindowMs,
    },
    limiter: {
      private: { count: privateBurst, windowMs: (privateBurst / privatePerSecond) * 1000 },
      group: { count: 20, windowMs: groupWindowMs },
      global: { count: globalPerSecond, windowMs: globalWindowMs },
    },
  };
}

/** The messages a bot sent into a chat, oldest first. */
export function botMessages(server: BotApiServer, chatId: number): TgMessage[] {
  return server.messagesIn(chatId).filter((m) => m.from?.is_bot === true);
}

/** Every sendMessage the emulator answered with something other than 200, as `status description`. */
export function refusedSends(server: BotApiServer): string[] {
  return server.calls
    .filter((c) => c.method === 'sendMessage' && c.httpStatus !== 200)
    .map(
      (c) => `${c.httpStatus ?? 'no answer'} ${c.response && !c.response.ok ? c.response.description : ''}`,
    );
}
