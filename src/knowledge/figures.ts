/**
 * Finding the figures printed in a text: Arabic numbers (with their decimals) and counts written
 * in Chinese (三个百分百, 六大基地, 两个乡镇). Used to prove every printed figure is covered by a fact,
 * and by the ingest tool to draft facts.
 */

/** A figure as it stands in a text. */
export interface PrintedFigure {
  readonly text: string;
  readonly index: number;
  readonly kind: 'number' | 'year' | 'chinese-count';
}

const ARABIC = /\d+(?:\.\d+)?/g;
// A count in Chinese: a numeral before a measure word. 一 is left out: in this prose it is nearly
// always idiomatic (一对一, 一把手, 一系列). An ordinal (第十次) is not a figure.
const CHINESE_COUNT =
  /(?<!第)[两二三四五六七八九十百]+(?:个|间|口|种|次|级|大|省|医|字|区|名|户|所|套|只|项|批)/g;

/** Lists the figures printed in `text`, in order; a 4-digit number followed by 年 is a year. */
export function findFigures(text: string): PrintedFigure[] {
  const out: PrintedFigure[] = [];
  for (const m of text.matchAll(ARABIC)) {
    const year = /^(19|20)\d\d$/.test(m[0]) && text[m.index + m[0].length] === '年';
    out.push({ text: m[0], index: m.index, kind: year ? 'year' : 'number' });
  }
  for (const m of text.matchAll(CHINESE_COUNT))
    out.push({ text: m[0], index: m.index, kind: 'chinese-count' });
  return out.sort((a, b) => a.index - b.index);
}

/** Marks every position of `text` covered by some occurrence of one of `quotes`. */
export function coverage(text: string, quotes: Iterable<string>): Uint8Array {
  const covered = new Uint8Array(text.length);
  for (const q of quotes) {
    if (!q) continue;
    for (let i = text.indexOf(q); i >= 0; i = text.indexOf(q, i + 1)) covered.fill(1, i, i + q.length);
  }
  return covered;
}
