import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAnswerEngine } from '../../src/engine/answer.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import {
  callbackData,
  escapeHtml,
  MAX_MESSAGE_LENGTH,
  parseCallbackData,
  renderDetail,
  renderTelegram,
  splitText,
  visibleLength,
} from '../../src/render/telegram.js';

const engine = createAnswerEngine(loadKnowledge(join(import.meta.dirname, '../../knowledge')));

describe('renderTelegram', () => {
  it('escapes knowledge and user text in HTML', () => {
    expect(escapeHtml('<b>&"</b>')).toBe('&lt;b&gt;&amp;&quot;&lt;/b&gt;');
    const none = renderTelegram(engine.answer('<script>alert(1)</script>'));
    expect(none[0]?.text).not.toContain('<script>');
  });

  it('puts the figure in bold first and the buttons under the answer', () => {
    const [msg] = renderTelegram(engine.answer('兴和县城镇化率是多少'));
    expect(msg?.text.startsWith('<b>📊 兴和县 · 城镇化率 48%')).toBe(true);
    const data = msg?.buttons.flat().map((b) => b.callback_data) ?? [];
    expect(data).toContain('full:xh-livelihood-2016');
    expect(data).toContain('src:xh-urbanization-rate-2016');
  });

  it('keeps every button’s data within 64 bytes and readable back', () => {
    for (const q of ['脱贫了多少人', '兴和县GDP', '精准扶贫怎么做的', '克旗和兴和的金融扶贫贷款分别是多少']) {
      for (const m of renderTelegram(engine.answer(q))) {
        for (const b of m.buttons.flat()) {
          expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
          expect(parseCallbackData(b.callback_data)).toBeDefined();
        }
      }
    }
    expect(callbackData('ask', 'x'.repeat(70))).toBeUndefined();
    expect(parseCallbackData('ask:../../etc')).toBeUndefined();
  });

  it('splits a long reply at sentence ends, never inside an entity or a character', () => {
    const long = escapeHtml(`${'兴和县城镇化率达到48%，供热普及率达到70%。'.repeat(300)}A&B<😀>`);
    const chunks = splitText(long, 500);
    for (const c of chunks) {
      expect(visibleLength(c)).toBeLessThanOrEqual(500);
      expect(c).not.toMatch(/&(?!lt;|gt;|amp;|quot;)/);
      expect(c).not.toMatch(/[\uD800-\uDBFF]$/);
    }
    expect(chunks.join('')).toBe(long);
  });

  it('renders an entry’s full text within Telegram’s limit', () => {
    const detail = engine.detail('xh-plan-2017');
    if (!detail) throw new Error('no detail');
    for (const m of renderDetail(detail))
      expect(visibleLength(m.text)).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
  });
});
