import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, createRedactor, REDACTED } from '../src/logger.js';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const SECRET = 'hook_secret-1234567890';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

describe('createRedactor', () => {
  it('replaces a token whole, its secret half alone, and its URL-encoded form', () => {
    const redact = createRedactor([TOKEN]);
    expect(redact(`GET /bot${TOKEN}/getMe`)).toBe(`GET /bot${REDACTED}/getMe`);
    expect(redact(`half ${TOKEN.split(':')[1]}`)).toBe(`half ${REDACTED}`);
    expect(redact(`enc ${encodeURIComponent(TOKEN)}`)).toBe(`enc ${REDACTED}`);
    expect(redact('nothing here')).toBe('nothing here');
  });
});

describe('createLogger', () => {
  it('never writes the token or the webhook secret, wherever they appear', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ level: 'trace', secrets: [TOKEN, SECRET], destination: stream });
    const url = `https://api.telegram.org/bot${TOKEN}/getUpdates`;
    const err = new Error(`request to ${url} failed, reason: connect ECONNREFUSED`);
    logger.error({ err }, 'polling failed');
    logger.info({ token: TOKEN, config: { token: TOKEN, webhookSecret: SECRET } }, 'config');
    logger.info({ url, nested: { deep: [`x ${TOKEN} y`] } }, `message with ${TOKEN}`);
    logger.warn({ headers: { 'x-telegram-bot-api-secret-token': SECRET } }, `secret ${SECRET}`);
    logger.child({ token: TOKEN }).debug('child');
    expect(lines).toHaveLength(5);
    for (const line of lines) {
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain(TOKEN.split(':')[1]);
      expect(line).not.toContain(SECRET);
      expect(() => JSON.parse(line)).not.toThrow();
    }
    expect(lines[0]).toContain(REDACTED);
    expect(JSON.parse(lines[0] as string).err.message).toContain('ECONNREFUSED');
  });

  it('writes JSON lines at the level asked for', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ level: 'warn', destination: stream });
    logger.info('hidden');
    logger.warn({ update_id: 7 }, 'shown');
    expect(lines.map((l) => JSON.parse(l))).toMatchObject([{ level: 40, update_id: 7, msg: 'shown' }]);
  });
});
