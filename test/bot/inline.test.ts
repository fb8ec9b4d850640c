import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnswerEngine } from '../../src/engine/answer.js';
import { engine, harness } from './harness.js';

afterEach(() => vi.restoreAllMocks());

interface Result {
  id: string;
  title: string;
  description?: string;
  input_message_content: { message_text: string; parse_mode: string };
  reply_markup?: { inline_keyboard: { url?: string }[][] };
}

async function inline(h: ReturnType<typeof harness>, query: string) {
  const calls = await h.inline(query);
  expect(calls.map((c) => c.method)).toEqual(['answerInlineQuery']);
  return calls[0]?.payload as { results: Result[]; cache_time: number; button?: { text: string } };
}

describe('inline mode', () => {
  it('offers up to 5 answers: title the figure, description who said it, the cited answer as message', async () => {
    const h = harness();
    const { results } = await inline(h, '兴和县的城镇化率是多少');
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThanOrEqual(5);
    const [first] = results;
    expect(first?.title).toContain('城镇化率 48%');
    expect(first?.description).toMatch(/^兴和县委书记 刘政：/);
    expect(first?.input_message_content.parse_mode).toBe('HTML');
    expect(first?.input_message_content.message_text).toContain('《内蒙古日报》');
    expect(new Set(results.map((r) => r.id)).size).toBe(results.length);
    // The button opens the bot on the same entry (`/start <id>`, which the bot answers).
    expect(first?.reply_markup?.inline_keyboard[0]?.[0]?.url).toBe(
      `https://t.me/MinshengBot?start=${first?.id}`,
    );
  });

  it('gives each region its own result when the engine answers for two', async () => {
    const real = engine();
    const a = real.answerEntry('kq-poverty-rate');
    const b = real.answerEntry('xh-urbanization-rate-2016');
    if (a?.kind !== 'answered' || b?.kind !== 'answered') throw new Error('expected answers');
    const two = { ...a, parts: [...a.parts, ...b.parts] };
    const h = harness({ getEngine: () => ({ ...real, answer: () => two }) as AnswerEngine });
    const { results } = await inline(h, 'x');
    const ids = two.parts.map((p) => p.entry.id);
    expect(results.slice(0, 2).map((r) => r.id)).toEqual(ids);
    expect(results[0]?.input_message_content.message_text).not.toContain(two.parts[1]?.headline ?? '');
  });

  it('offers the example questions for an empty query', async () => {
    const h = harness();
    const { results } = await inline(h, '');
    const examples = engine().examples();
    expect(results.length).toBe(Math.min(5, examples.length));
    expect(results[0]?.title).toContain(examples[0]?.question);
  });

  it('offers what it has, and a way to the bot, when the article does not say', async () => {
    const h = harness();
    const payload = await inline(h, '兴和县的GDP是多少');
    expect(payload.button?.text).toContain('没有找到');
    expect(payload.results.length).toBeLessThanOrEqual(5);
  });

  it('lets Telegram cache answers briefly', async () => {
    const h = harness();
    expect((await inline(h, '城镇化率')).cache_time).toBe(60);
  });
});
