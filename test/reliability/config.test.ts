/** The RATE_*, RETRY_*, API_TIMEOUT_SECONDS, FLOOD_*, MAX_QUESTION_CHARS and UPDATE_* settings. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, createConfig, DEFAULT_RELIABILITY } from '../../src/config.js';
import { DEFAULT_SEND_LIMITS } from '../../src/transport/outgoing.js';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

describe('reliability settings', () => {
  it('default to Telegram’s limits with headroom, retries, flood control and 500-character questions', () => {
    const { reliability } = createConfig({ BOT_TOKEN: TOKEN });
    expect(reliability).toEqual(DEFAULT_RELIABILITY);
    expect(reliability?.sendLimits).toEqual({
      private: { count: 3, windowMs: 3000 },
      group: { count: 20, windowMs: 60_000 },
      global: { count: 25, windowMs: 1000 },
    });
    expect(DEFAULT_SEND_LIMITS).toEqual(reliability?.sendLimits);
    expect(reliability?.flood).toEqual({ maxQuestions: 6, windowMs: 10_000 });
  });

  it('are read from the environment', () => {
    const { reliability } = createConfig({
      BOT_TOKEN: TOKEN,
      RATE_GLOBAL_PER_SECOND: '30',
      RATE_PRIVATE_PER_SECOND: '2',
      RATE_PRIVATE_BURST: '4',
      RATE_GROUP_PER_MINUTE: '10',
      RETRY_MAX: '2',
      RETRY_MAX_WAIT_SECONDS: '5',
      API_TIMEOUT_SECONDS: '1.5',
      FLOOD_MAX_QUESTIONS: '3',
      FLOOD_WINDOW_SECONDS: '2.5',
      MAX_QUESTION_CHARS: '200',
      UPDATE_CONCURRENCY: '8',
      UPDATE_QUEUE_LIMIT: '50',
    });
    expect(reliability).toMatchObject({
      sendLimits: {
        private: { count: 4, windowMs: 2000 },
        group: { count: 10, windowMs: 60_000 },
        global: { count: 30, windowMs: 1000 },
      },
      retry: { maxRetries: 2, maxRetryAfterS: 5, timeoutMs: 1500 },
      flood: { maxQuestions: 3, windowMs: 2500 },
      maxQuestionChars: 200,
      concurrency: 8,
      queueLimit: 50,
    });
  });

  it('turn the limiter and flood control off (any case), keeping retries', () => {
    const { reliability } = createConfig({ BOT_TOKEN: TOKEN, RATE_LIMIT: 'OFF', FLOOD_CONTROL: 'off' });
    expect(reliability?.sendLimits).toBeUndefined();
    expect(reliability?.flood).toBeUndefined();
    expect(reliability?.retry.maxRetries).toBe(4);
  });

  it('refuse bad values with one line naming each setting', () => {
    const bad = (env: Record<string, string>) => () => createConfig({ BOT_TOKEN: TOKEN, ...env });
    expect(bad({ RATE_LIMIT: 'maybe' })).toThrow(
      new ConfigError('Configuration error: RATE_LIMIT must be "on" or "off"'),
    );
    expect(bad({ RATE_PRIVATE_BURST: '1.5' })).toThrow(
      /RATE_PRIVATE_BURST must be a whole number from 1 to 100/,
    );
    expect(bad({ RATE_GLOBAL_PER_SECOND: '0' })).toThrow(
      /RATE_GLOBAL_PER_SECOND must be a number from 0.1 to 1000/,
    );
    expect(bad({ FLOOD_WINDOW_SECONDS: 'soon', MAX_QUESTION_CHARS: '5000' })).toThrow(
      /FLOOD_WINDOW_SECONDS must be a number .*; MAX_QUESTION_CHARS must be a whole number from 1 to 4096/,
    );
  });
});

describe('.env.example', () => {
  const text = readFileSync(resolve('.env.example'), 'utf8');
  const KEYS = [
    'RATE_LIMIT',
    'RATE_GLOBAL_PER_SECOND',
    'RATE_PRIVATE_PER_SECOND',
    'RATE_PRIVATE_BURST',
    'RATE_GROUP_PER_MINUTE',
    'RETRY_MAX',
    'RETRY_MAX_WAIT_SECONDS',
    'API_TIMEOUT_SECONDS',
    'FLOOD_CONTROL',
    'FLOOD_MAX_QUESTIONS',
    'FLOOD_WINDOW_SECONDS',
    'MAX_QUESTION_CHARS',
    'UPDATE_CONCURRENCY',
    'UPDATE_QUEUE_LIMIT',
  ];

  it('lists every limit setting under a comment that names it or its group', () => {
    for (const key of KEYS) {
      // The key's block: comment lines, then setting lines, the key among them.
      expect(text).toMatch(new RegExp(`#[^\\n]*\\n([A-Z_]+=[^\\n]*\\n)*${key}=`));
    }
  });

  it('spells out the defaults', () => {
    const env = parseEnv(text) as Record<string, string>;
    expect(createConfig({ ...env, BOT_TOKEN: TOKEN }).reliability).toEqual(DEFAULT_RELIABILITY);
  });
});
