/**
 * Ids for drafted entries: lower-case ASCII from the pinyin of names (边中悦 → bian-zhongyue,
 * 克什克腾 → keshiketeng), unique within the draft and against the ids already in the knowledge folder.
 */
import { pinyin } from 'pinyin-pro';

// Two-character surnames, so that 皇甫美群 is huangfu-meiqun rather than huang-fumeiqun.
const COMPOUND_SURNAMES = new Set(
  '欧阳 司马 上官 皇甫 诸葛 东方 慕容 令狐 长孙 宇文 尉迟 司徒 夏侯 公孙 轩辕 端木 独孤 南宫 西门 百里 呼延 申屠 澹台 太史 万俟 钟离 闻人 赫连'.split(
    ' ',
  ),
);

// Readings pinyin-pro gets wrong in place names (克什克腾 is kè shí kè téng, not shén).
const PLACE_READINGS: Readonly<Record<string, string>> = { 什: 'shi' };

/** The toneless pinyin syllables of a text; characters without a reading are dropped. */
export function syllables(text: string, options: { place?: boolean; surname?: boolean } = {}): string[] {
  const read = pinyin(text, {
    toneType: 'none',
    type: 'array',
    v: true,
    ...(options.surname ? { surname: 'head' as const } : {}),
  });
  return read
    .map((s, i) => (options.place ? (PLACE_READINGS[text[i] ?? ''] ?? s) : s))
    .map((s) => s.toLowerCase().replace(/[^a-z0-9]/g, ''))
    .filter(Boolean);
}

/** A place name as an id: 克什克腾 → keshiketeng. */
export function placeId(stem: string): string {
  return syllables(stem, { place: true }).join('') || 'region';
}

/** A person's name as an id: 边中悦 → bian-zhongyue, 皇甫美群 → huangfu-meiqun. */
export function personId(name: string): string {
  const chars = [...name];
  const surnameLength = chars.length > 2 && COMPOUND_SURNAMES.has(chars.slice(0, 2).join('')) ? 2 : 1;
  const read = syllables(name, { surname: true });
  if (read.length !== chars.length) return read.join('-') || 'person';
  return [read.slice(0, surnameLength).join(''), read.slice(surnameLength).join('')]
    .filter(Boolean)
    .join('-');
}

/** The initials of a text's pinyin: 内蒙古日报 → nmgrb, 克旗 → kq. */
export function initials(text: string, options: { place?: boolean } = {}): string {
  return syllables(text, options)
    .map((s) => s[0] ?? '')
    .join('');
}

/**
 * Hands out ids unique within the draft; ids of entries that must be unique in the whole knowledge
 * folder (sources, interviews, turns, stories, background, facts) also avoid the ids used elsewhere.
 * Regions and people are per article: the same place or person keeps the same id in every article.
 */
export class IdAllocator {
  private readonly local = new Set<string>();
  private readonly elsewhere: Set<string>;

  constructor(elsewhere: Iterable<string> = []) {
    this.elsewhere = new Set(elsewhere);
  }

  /** `base` itself when free, else `base-2`, `base-3` …, cut to 40 characters. */
  take(base: string, scope: 'folder' | 'article' = 'folder'): string {
    const clean = base
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 36)
      .replace(/-$/, '');
    const taken = (id: string) => this.local.has(id) || (scope === 'folder' && this.elsewhere.has(id));
    let id = clean || 'entry';
    for (let n = 2; taken(id); n++) id = `${clean}-${n}`;
    this.local.add(id);
    return id;
  }
}
