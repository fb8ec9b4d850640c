import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { CONFIG_MESSAGES, ConfigError, createConfig, loadEnvFile } from '../src/config.js';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

function errorOf(env: Record<string, string | undefined>): string {
  try {
    createConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('createConfig', () => {
  it('keeps the unanswered-question log in data/ unless told where, or told off', () => {
    expect(createConfig({ BOT_TOKEN: TOKEN }).unansweredLog).toBe(resolve('data/unanswered.jsonl'));
    expect(createConfig({ BOT_TOKEN: TOKEN, UNANSWERED_LOG: '/tmp/u.jsonl' }).unansweredLog).toBe(
      '/tmp/u.jsonl',
    );
    expect(createConfig({ BOT_TOKEN: TOKEN, UNANSWERED_LOG: 'off' }).unansweredLog).toBeUndefined();
  });

  it('defaults to polling with the shipped knowledge and info logs', () => {
    expect(createConfig({ BOT_TOKEN: TOKEN })).toMatchObject({
      mode: 'polling',
      token: TOKEN,
      host: '0.0.0.0',
      port: 8080,
      logLevel: 'info',
      knowledgeDir: resolve('knowledge'),
    });
  });

  it('stops on a missing token with one line that says how to get one from @BotFather', () => {
    const message = errorOf({});
    expect(message).toBe(`Configuration error: ${CONFIG_MESSAGES.tokenMissing}`);
    expect(message).toContain('@BotFather');
    expect(message).not.toContain('\n');
    expect(errorOf({ BOT_TOKEN: '   ' })).toContain(CONFIG_MESSAGES.tokenMissing);
  });

  it('stops on a malformed token without echoing it', () => {
    const message = errorOf({ BOT_TOKEN: 'AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw' });
    expect(message).toContain(CONFIG_MESSAGES.tokenMalformed);
    expect(message).not.toContain('AAHdqTcv');
    expect(errorOf({ BOT_TOKEN: '123:short' })).toContain(CONFIG_MESSAGES.tokenMalformed);
  });

  it('requires a secret and a URL in webhook mode', () => {
    expect(
      errorOf({ BOT_TOKEN: TOKEN, BOT_MODE: 'webhook', WEBHOOK_URL: 'https://bot.example.org/hook' }),
    ).toBe(`Configuration error: ${CONFIG_MESSAGES.webhookSecretMissing}`);
    expect(errorOf({ BOT_TOKEN: TOKEN, BOT_MODE: 'webhook', WEBHOOK_SECRET: 'abc' })).toBe(
      `Configuration error: ${CONFIG_MESSAGES.webhookUrlMissing}`,
    );
    expect(
      errorOf({
        BOT_TOKEN: TOKEN,
        BOT_MODE: 'webhook',
        WEBHOOK_URL: 'https://x.org/h',
        WEBHOOK_SECRET: 'a b',
      }),
    ).toContain(CONFIG_MESSAGES.webhookSecretInvalid);
  });

  it('takes the webhook path from WEBHOOK_URL', () => {
    const config = createConfig({
      BOT_TOKEN: TOKEN,
      BOT_MODE: 'webhook',
      WEBHOOK_URL: 'https://bot.example.org/telegram/hook',
      WEBHOOK_SECRET: 's3cret',
      PORT: '3000',
      HOST: '127.0.0.1',
    });
    expect(config).toMatchObject({
      mode: 'webhook',
      webhookPath: '/telegram/hook',
      port: 3000,
      host: '127.0.0.1',
    });
  });

  it('refuses webhook URLs Telegram would not post to, unless a self-hosted API root is set', () => {
    const base = { BOT_TOKEN: TOKEN, BOT_MODE: 'webhook', WEBHOOK_SECRET: 's' };
    expect(errorOf({ ...base, WEBHOOK_URL: 'http://bot.example.org/h' })).toContain(
      CONFIG_MESSAGES.webhookUrlHttps,
    );
    expect(errorOf({ ...base, WEBHOOK_URL: 'https://bot.example.org:3000/h' })).toContain(
      CONFIG_MESSAGES.webhookUrlPort,
    );
    expect(errorOf({ ...base, WEBHOOK_URL: 'not a url' })).toContain(CONFIG_MESSAGES.webhookUrlInvalid);
    expect(
      createConfig({
        ...base,
        WEBHOOK_URL: 'http://127.0.0.1:3000/h',
        TELEGRAM_API_ROOT: 'http://127.0.0.1:8081',
      }),
    ).toMatchObject({ mode: 'webhook', webhookPath: '/h' });
  });

  it('stops on a bad port, mode or log level with their messages', () => {
    for (const PORT of ['abc', '0', '70000', '80.5']) {
      expect(errorOf({ BOT_TOKEN: TOKEN, PORT })).toBe(`Configuration error: ${CONFIG_MESSAGES.port}`);
    }
    expect(errorOf({ BOT_TOKEN: TOKEN, BOT_MODE: 'hook' })).toBe(
      `Configuration error: ${CONFIG_MESSAGES.mode}`,
    );
    expect(errorOf({ BOT_TOKEN: TOKEN, LOG_LEVEL: 'loud' })).toContain(CONFIG_MESSAGES.logLevel);
  });

  it('keeps a path prefix of TELEGRAM_API_ROOT by ending it with a slash', () => {
    expect(createConfig({ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/tgapi' }).apiRoot).toBe(
      'http://127.0.0.1:8081/tgapi/',
    );
    expect(errorOf({ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'ftp://x' })).toContain(CONFIG_MESSAGES.apiRoot);
  });

  it('treats empty values as unset', () => {
    expect(createConfig({ BOT_TOKEN: TOKEN, BOT_MODE: '', PORT: '', WEBHOOK_URL: '' }).mode).toBe('polling');
  });
});

describe('loadEnvFile', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('reads .env when present, without overriding variables already set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'env-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'MINSHENG_TEST_A=from-file\nMINSHENG_TEST_B=from-file\n');
    process.env.MINSHENG_TEST_B = 'from-env';
    expect(loadEnvFile(file)).toBe(true);
    expect(process.env.MINSHENG_TEST_A).toBe('from-file');
    expect(process.env.MINSHENG_TEST_B).toBe('from-env');
    expect(loadEnvFile(join(dir, 'missing.env'))).toBe(false);
  });
});

describe('.env.example', () => {
  const text = readFileSync(resolve('.env.example'), 'utf8');

  it('lists every setting, each with a comment above it', () => {
    const keys = [
      'BOT_TOKEN',
      'BOT_MODE',
      'WEBHOOK_URL',
      'WEBHOOK_SECRET',
      'HOST',
      'PORT',
      'TELEGRAM_API_ROOT',
    ];
    for (const key of [...keys, 'KNOWLEDGE_DIR', 'LOG_LEVEL']) {
      expect(text).toMatch(new RegExp(`#[^\\n]*\\n(#[^\\n]*\\n)*(HOST=0.0.0.0\\n)?${key}=`));
    }
  });

  it('is a valid configuration once a token is filled in', () => {
    const env = parseEnv(text) as Record<string, string>;
    expect(createConfig({ ...env, BOT_TOKEN: TOKEN })).toMatchObject({ mode: 'polling', port: 8080 });
  });
});
