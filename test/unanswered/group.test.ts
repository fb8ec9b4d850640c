import { describe, expect, it } from 'vitest';
import { createTermReader, groupQuestions, jaccard } from '../../src/unanswered/group.js';
import type { UnansweredRecord } from '../../src/unanswered/log.js';

const REGIONS = [
  { id: 'keshiketeng', names: ['克什克腾旗', '克旗', '克什克腾', '克什克腾县'] },
  { id: 'xinghe', names: ['兴和县', '兴和'] },
];

let minute = 0;
function asked(question: string, extra: Partial<UnansweredRecord> = {}): UnansweredRecord {
  minute++;
  return {
    time: new Date(Date.UTC(2024, 4, 1, 8, minute)).toISOString(),
    question,
    chatType: 'private',
    kind: 'none',
    reason: 'not-reported',
    ...extra,
  };
}

describe('groupQuestions', () => {
  it('groups near-duplicates across a region’s names, most frequent group first', () => {
    const records = [
      asked('兴和县的人口有多少？'),
      asked('克旗GDP是多少？', { best: { id: 'kq-area', score: 0.3 } }),
      asked('请问克什克腾旗的GDP多少呢', { best: { id: 'kq-area', score: 0.42 }, chatType: 'group' }),
      asked('克旗GDP是多少？', {
        kind: 'ambiguous',
        reason: undefined,
        best: { id: 'kq-income', score: 0.5 },
      }),
      asked('克旗gdp'),
      asked('兴和人口多少'),
      asked('兴和县GDP是多少'),
    ];
    const groups = groupQuestions(records, { regions: REGIONS });
    expect(groups.map((g) => [g.question, g.count])).toEqual([
      ['克旗GDP是多少？', 4],
      ['兴和县的人口有多少？', 2],
      ['兴和县GDP是多少', 1],
    ]);
    const [gdp] = groups;
    expect(gdp?.variants).toEqual([
      { question: '请问克什克腾旗的GDP多少呢', count: 1 },
      { question: '克旗gdp', count: 1 },
    ]);
    expect(gdp?.reasons).toEqual([
      { reason: 'not-reported', count: 3 },
      { reason: 'asked back', count: 1 },
    ]);
    expect(gdp?.candidates).toEqual([
      { id: 'kq-area', count: 2, score: 0.42 },
      { id: 'kq-income', count: 1, score: 0.5 },
    ]);
    expect(gdp?.chatTypes).toEqual([
      { chatType: 'private', count: 3 },
      { chatType: 'group', count: 1 },
    ]);
    expect((gdp?.first ?? '') < (gdp?.last ?? '')).toBe(true);
  });

  it('keeps different questions apart', () => {
    const groups = groupQuestions(
      [asked('克旗GDP是多少'), asked('克旗的平均海拔'), asked('今天天气怎么样')],
      {
        regions: REGIONS,
      },
    );
    expect(groups).toHaveLength(3);
  });

  it('returns no groups for no questions', () => {
    expect(groupQuestions([])).toEqual([]);
  });
});

describe('createTermReader', () => {
  it('reads every name of a region as one term, and sets politeness and question words aside', () => {
    const terms = createTermReader(REGIONS);
    expect([...terms('请问克什克腾旗的GDP是多少？')].sort()).toEqual(['@region:keshiketeng', 'gdp']);
    expect(jaccard(terms('克旗GDP是多少'), terms('克什克腾旗的GDP多少'))).toBe(1);
    expect(jaccard(terms('克旗GDP是多少'), terms('兴和县GDP是多少'))).toBeLessThan(0.5);
  });
});
