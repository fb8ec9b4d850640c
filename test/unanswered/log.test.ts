import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { UnansweredEvent } from '../../src/bot/types.js';
import {
  createUnansweredLog,
  MAX_QUESTION_LENGTH,
  readUnansweredLog,
  type UnansweredRecord,
  unansweredLogPath,
} from '../../src/unanswered/log.js';

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'unanswered-'));
  temps.push(dir);
  return dir;
}

const event = (n: number, extra: Record<string, unknown> = {}): UnansweredRecord =>
  ({
    time: new Date(Date.UTC(2024, 4, 1, 8, n)).toISOString(),
    question: `问题${n}`,
    chatType: 'private',
    kind: 'none',
    reason: 'not-reported',
    best: { id: 'kq-area', score: 0.25 },
    ...extra,
  }) as UnansweredRecord;

const linesOf = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

/** A logger that keeps what it is told. */
function recorder() {
  const said: string[] = [];
  return {
    said,
    logger: {
      warn: (_o: object, m: string) => said.push(`warn: ${m}`),
      info: (_o: object, m: string) => said.push(`info: ${m}`),
    },
  };
}

describe('createUnansweredLog', () => {
  it('appends one JSON line per question, creating its folder, with no user data', () => {
    const path = join(temp(), 'data/unanswered.jsonl');
    const log = createUnansweredLog({ path });
    log.record(event(1, { userId: 42, from: { id: 42, first_name: 'Ann' }, chatId: -100, username: 'ann' }));
    log.record({ ...event(2), kind: 'ambiguous', reason: undefined, best: undefined } as UnansweredRecord);
    log.close();
    const lines = linesOf(path);
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      time: '2024-05-01T08:01:00.000Z',
      question: '问题1',
      chatType: 'private',
      kind: 'none',
      reason: 'not-reported',
      best: { id: 'kq-area', score: 0.25 },
    });
    expect(JSON.parse(lines[1] ?? '')).toEqual({
      time: '2024-05-01T08:02:00.000Z',
      question: '问题2',
      chatType: 'private',
      kind: 'ambiguous',
    });
    expect(lines.join('\n')).not.toMatch(/42|Ann|ann|-100/);
  });

  it('accepts the bot’s UnansweredEvent as it is', () => {
    const path = join(temp(), 'u.jsonl');
    const log = createUnansweredLog({ path });
    const fromBot: UnansweredEvent = {
      question: '克旗GDP是多少',
      time: '2024-05-01T08:00:00.000Z',
      chatType: 'group',
      kind: 'none',
      reason: 'not-reported',
    };
    log.record(fromBot);
    log.close();
    expect(readUnansweredLog(path).records).toEqual([fromBot]);
  });

  it('keeps the newest maxEntries questions, never growing past them and a tenth', () => {
    const path = join(temp(), 'u.jsonl');
    const log = createUnansweredLog({ path, maxEntries: 10 });
    for (let n = 1; n <= 100; n++) {
      log.record(event(n));
      expect(linesOf(path).length).toBeLessThanOrEqual(11);
    }
    log.close();
    const questions = readUnansweredLog(path).records.map((r) => r.question);
    expect(questions.at(-1)).toBe('问题100');
    expect(questions).toEqual(questions.map((_q, i) => `问题${100 - questions.length + 1 + i}`));
    expect(questions.length).toBeGreaterThanOrEqual(10);
  });

  it('stays bounded across restarts, counting what the file already holds', () => {
    const path = join(temp(), 'u.jsonl');
    writeFileSync(path, `${Array.from({ length: 50 }, (_, i) => JSON.stringify(event(i))).join('\n')}\n`);
    const log = createUnansweredLog({ path, maxEntries: 10 });
    log.record(event(99));
    log.close();
    const questions = readUnansweredLog(path).records.map((r) => r.question);
    expect(questions).toHaveLength(10);
    expect(questions.at(-1)).toBe('问题99');
  });

  it('cuts very long questions', () => {
    const path = join(temp(), 'u.jsonl');
    const log = createUnansweredLog({ path });
    log.record({ ...event(1), question: '长'.repeat(5000) });
    log.close();
    expect(readUnansweredLog(path).records[0]?.question).toHaveLength(MAX_QUESTION_LENGTH);
  });

  it('logs a write failure once, never throws, and records again once the path is writable', () => {
    const dir = temp();
    writeFileSync(join(dir, 'data'), 'a file where the folder should be');
    const { said, logger } = recorder();
    const path = join(dir, 'data/unanswered.jsonl');
    const log = createUnansweredLog({ path, logger });
    for (let n = 0; n < 5; n++) expect(() => log.record(event(n))).not.toThrow();
    expect(said).toEqual(['warn: cannot write the unanswered-question log; questions are not recorded']);
    rmSync(join(dir, 'data'));
    mkdirSync(join(dir, 'data'));
    log.record(event(9));
    log.close();
    expect(said.at(-1)).toBe('info: unanswered-question log writable again');
    expect(readUnansweredLog(path).records.map((r) => r.question)).toEqual(['问题9']);
  });

  it('reports through a pino logger, naming the path', () => {
    const dir = temp();
    writeFileSync(join(dir, 'data'), 'not a folder');
    const lines: { msg: string; path: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s)) });
    const path = join(dir, 'data/u.jsonl');
    const log = createUnansweredLog({ path, logger });
    log.record(event(1));
    log.close();
    expect(lines).toMatchObject([
      { msg: 'cannot write the unanswered-question log; questions are not recorded', path },
    ]);
  });

  it('drops records after close(), which is safe to call twice', () => {
    const path = join(temp(), 'u.jsonl');
    const log = createUnansweredLog({ path });
    log.record(event(1));
    log.close();
    log.close();
    log.record(event(2));
    expect(linesOf(path)).toHaveLength(1);
  });
});

describe('readUnansweredLog', () => {
  it('skips lines it cannot read (a line cut short by a crash)', () => {
    const path = join(temp(), 'u.jsonl');
    writeFileSync(
      path,
      `${JSON.stringify(event(1))}\n{"time":"2024-05-01T08:0\n${JSON.stringify({ hello: 1 })}\n`,
    );
    const { records, skipped } = readUnansweredLog(path);
    expect(records.map((r) => r.question)).toEqual(['问题1']);
    expect(skipped).toBe(2);
  });
});

describe('unansweredLogPath', () => {
  it('reads UNANSWERED_LOG, defaults to data/unanswered.jsonl, and can be turned off', () => {
    expect(unansweredLogPath({})).toBe('data/unanswered.jsonl');
    expect(unansweredLogPath({ UNANSWERED_LOG: '/var/log/bot/unanswered.jsonl' })).toBe(
      '/var/log/bot/unanswered.jsonl',
    );
    expect(unansweredLogPath({ UNANSWERED_LOG: 'off' })).toBeUndefined();
  });
});
