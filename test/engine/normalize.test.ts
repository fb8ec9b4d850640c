import { readFileSync } from 'node:fs';
import * as OpenCC from 'opencc-js/cn2t';
import { describe, expect, it } from 'vitest';
import {
  arabizeNumerals,
  createPinyinMatcher,
  createPlaceNameCorrector,
  normalizeText,
  parseChineseNumber,
  type RomanizableRegion,
  romanizedRegionHints,
  stripAddressing,
  stripPoliteness,
} from '../../src/engine/normalize.js';

const article = readFileSync(
  new URL('../../knowledge/sources/nmgrb-2017-02-23-p5.txt', import.meta.url),
  'utf8',
);
const toHongKong = OpenCC.Converter({ from: 'cn', to: 'hk' });
const toTaiwan = OpenCC.Converter({ from: 'cn', to: 'tw' });
const hanOnly = (s: string): string => s.replace(/[^\p{Script=Han}]/gu, '');

describe('normalizeText', () => {
  it.each([
    ['full-width digits and percent', '３６％', '36%'],
    ['full-width decimal point', '１６．８亿元', '16.8亿元'],
    ['full-width Latin, lower-cased', 'ＸＩＮＧＨＥ', 'xinghe'],
    ['full-width space', '兴和县\u3000人口', '兴和县 人口'],
    ['full-width tilde', '3000～8000元', '3000~8000元'],
    ['full-width punctuation to ASCII', '多少，是吗？对！注：（一）；', '多少,是吗?对!注:(一);'],
    ['enumeration comma to comma', '交通、就业、教育', '交通,就业,教育'],
    [
      'curly and corner quotes to ASCII',
      '“六大基地”「五个一批」『三医』‘准’',
      '"六大基地""五个一批""三医"\'准\'',
    ],
    ['lenticular and tortoise brackets', '【百姓声音】〔背景〕', '[百姓声音][背景]'],
    ['dashes to hyphen', '脱贫——攻坚–计划', '脱贫--攻坚-计划'],
    ['wave dash to tilde', '3〜5年', '3~5年'],
    ['katakana middle dot to middle dot', '乌兰・巴特尔', '乌兰·巴特尔'],
    ['single-angle book marks to double', '〈健康中国2030规划纲要〉', '《健康中国2030规划纲要》'],
    ['ellipsis expands as NFKC does', '还有…', '还有...'],
    ['circled digit', '①兴和县', '1兴和县'],
  ])('maps %s', (_label, input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it.each([
    ['a percentage', '覆盖贫困人口总数的36%以上', '覆盖贫困人口总数的36%以上'],
    ['a decimal figure with unit', '民生事业支出16.8亿元', '民生事业支出16.8亿元'],
    ['a range', '年人均增收3000元至8000元', '年人均增收3000元至8000元'],
    [
      'ideographic full stop and book-title marks',
      '深入贯彻落实《健康中国2030规划纲要》。',
      '深入贯彻落实《健康中国2030规划纲要》。',
    ],
    ['plus signs', '党委+合作社+贫困户', '党委+合作社+贫困户'],
  ])('keeps %s intact', (_label, input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it.each([
    ['Taiwan traditional', '請問興和縣的城鎮化率是多少', '请问兴和县的城镇化率是多少'],
    ['place name', '克什克騰旗貧困發生率', '克什克腾旗贫困发生率'],
    ['Hong Kong variants', '衞生院的綫路説明', '卫生院的线路说明'],
    ['Taiwan variants', '裡面為什麼臺灣', '里面为什么台湾'],
    ['phrase-dependent conversion', '乾燥的天氣', '干燥的天气'],
    ['figures with traditional units', '撬動銀行貸款1.1億元', '撬动银行贷款1.1亿元'],
    ['a two-step dictionary chain (薴 → 苧 → 苎)', '薴麻', '苎麻'],
  ])('converts %s to simplified', (_label, input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it('does not change any Han character of the (simplified) article', () => {
    expect(hanOnly(normalizeText(article))).toBe(hanOnly(article));
  });

  it('gives the same text for the article written in Hong Kong or Taiwan traditional', () => {
    const simplified = normalizeText(article);
    expect(normalizeText(toHongKong(article))).toBe(simplified);
    expect(normalizeText(toTaiwan(article))).toBe(simplified);
  });

  it.each([
    ['zero-width space and joiners', '兴\u200b和\u200c县\u200d的\u2060人口\ufeff', '兴和县的人口'],
    ['bidi controls', '\u202a兴和县\u202c\u2066人口\u2069\u200e', '兴和县人口'],
    ['control characters', '兴和\u0000县\u0007人\u007f口\u0085多少', '兴和县人口 多少'],
    ['soft hyphen and variation selectors', 'xing\u00adhe\ufe0f', 'xinghe'],
  ])('removes %s', (_label, input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it.each([
    ['runs of mixed whitespace', '兴和县 \n\t 人口\u3000\u00a0多少', '兴和县 人口 多少'],
    ['leading and trailing whitespace', '  \n兴和县\t ', '兴和县'],
    ['whitespace-only text', ' \u3000\n ', ''],
    ['empty text', '', ''],
  ])('collapses %s', (_label, input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it('lower-cases Latin letters', () => {
    expect(normalizeText('Keshiketeng QI, Xīng Hé')).toBe('keshiketeng qi, xīng hé');
  });

  it.each([
    '你好，我在写论文，想了解一下兴和县的城镇化率是多少，谢谢！',
    '請問克什克騰旗「三個百分百」是什麼？',
    'ＡＢＣ　１６．８％ — “准” … ①',
    '\u200b  /ask@MinshengBot 興和縣  ',
    article,
    toHongKong(article),
  ])('is idempotent (%#)', (input) => {
    const once = normalizeText(input);
    expect(normalizeText(once)).toBe(once);
  });

  it('is idempotent for every BMP character', () => {
    const failures: string[] = [];
    for (let cp = 0; cp < 0x10000; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const once = normalizeText(`a ${String.fromCharCode(cp)}兴 `);
      if (normalizeText(once) !== once) failures.push(cp.toString(16));
    }
    expect(failures).toEqual([]);
  });

  it('normalizes a 30-character question in well under 0.1 ms', () => {
    const question = '請問興和縣２０１６年的民生事業支出是多少億元？謝謝';
    for (let i = 0; i < 2000; i++) normalizeText(question);
    const start = performance.now();
    for (let i = 0; i < 2000; i++) normalizeText(question);
    expect((performance.now() - start) / 2000).toBeLessThan(0.1);
  });
});

describe('parseChineseNumber', () => {
  it.each([
    ['一百六十一', 161],
    ['十二', 12],
    ['十', 10],
    ['六十一', 61],
    ['四千', 4000],
    ['两千八百', 2800],
    ['两千八', 2800],
    ['一万五', 15000],
    ['一万六千三百六十三', 16363],
    ['三千五百一十八', 3518],
    ['一千零二十', 1020],
    ['一万零五', 10005],
    ['十万', 100000],
    ['一亿二千万', 120000000],
    ['二〇一六', 2016],
    ['二零一六', 2016],
    ['零', 0],
    ['十六点八', 16.8],
    ['十六点八亿', 1680000000],
    ['零点五', 0.5],
    ['六点零五', 6.05],
    ['一点五万', 15000],
    ['壹仟贰佰', 1200],
    ['負十二', -12],
    ['1.1亿', 110000000],
    ['16.8亿', 1680000000],
    ['3.4万', 34000],
    ['7300万', 73000000],
    ['23,584', 23584],
    ['１２３', 123],
    ['-5', -5],
  ])('reads %s as %d', (input, expected) => {
    expect(parseChineseNumber(input)).toBe(expected);
  });

  it.each([
    ['a five-year plan', '十二五'],
    ['a word', '千万'],
    ['a word', '万一'],
    ['an approximation', '三四千'],
    ['units out of order', '十百'],
    ['a bare hundred', '百'],
    ['a percent phrase', '百分之三十'],
    ['text', '兴和县'],
    ['empty text', ''],
    ['a lone point', '点五'],
  ])('rejects %s (%s)', (_label, input) => {
    expect(parseChineseNumber(input)).toBeUndefined();
  });
});

describe('arabizeNumerals', () => {
  it.each([
    ['一百六十一个行政村', '161个行政村'],
    ['百分之三十一点一', '31.1%'],
    ['贫困发生率为百分之六点零五', '贫困发生率为6.05%'],
    ['百分之百', '100%'],
    ['百分之四十八', '48%'],
    ['十六点八亿', '16.8亿'],
    ['两千八百户', '2800户'],
    ['四千', '4000'],
    ['一万六千三百六十三', '16363'],
    ['三千五百一十八平方公里', '3518平方公里'],
    ['六十一', '61'],
    ['零点五', '0.5'],
    ['十二', '12'],
    ['二〇一六年', '2016年'],
    ['二零一六年', '2016年'],
    ['一九九八年', '1998年'],
    ['七千三百万元', '7300万元'],
    ['一亿二千万', '1.2亿'],
    ['十万元额度', '10万元额度'],
    ['一点五万元以上', '1.5万元以上'],
    ['一万五千人', '15000人'],
    ['兩千八百戶', '2800戶'],
    ['二十三个贫困嘎查村', '23个贫困嘎查村'],
    ['十二点', '12点'],
    ['二零一六年民生支出十六点八亿元，占百分之六十一', '2016年民生支出16.8亿元，占61%'],
  ])('rewrites %s → %s', (input, expected) => {
    expect(arabizeNumerals(input)).toBe(expected);
  });

  it.each([
    ['1.1亿', 'Arabic figures'],
    ['36%以上', 'Arabic percentages'],
    ['3000元至8000元', 'Arabic ranges'],
    ['十二五期间', 'a five-year plan'],
    ['十三五规划', 'a five-year plan'],
    ['三个百分百', 'a slogan'],
    ['六大基地', 'a slogan'],
    ['六个精准', 'a slogan'],
    ['五个一批', 'a slogan'],
    ['三到村三到户', 'a slogan'],
    ['一把手', 'a word'],
    ['一对一帮扶', 'a word'],
    ['一系列', 'a word'],
    ['一整套', 'a word'],
    ['一事一议', 'a word'],
    ['三省', 'a word'],
    ['三医联动', 'a word'],
    ['四区布局', 'a word'],
    ['五城联创', 'a word'],
    ['十次党代会', 'a single numeral'],
    ['第十次', 'an ordinal'],
    ['第十二次', 'an ordinal'],
    ['一是二是三是', 'an enumeration'],
    ['一些', 'a word'],
    ['一下', 'a word'],
    ['一起', 'a word'],
    ['一直', 'a word'],
    ['一家', 'a word'],
    ['统一', 'a word'],
    ['唯一', 'a word'],
    ['万一', 'a word'],
    ['一定', 'a word'],
    ['十分', 'a word'],
    ['百姓', 'a word'],
    ['千万', 'a word'],
    ['百万', 'a word'],
    ['万众创新', 'a word'],
    ['一点一滴', 'an idiom'],
    ['两点一线', 'an idiom'],
    ['三三两两', 'an idiom'],
    ['七七八八', 'an idiom'],
    ['十八大', 'a party congress'],
    ['几十万', 'an approximation'],
    ['二十几个', 'an approximation'],
    ['三四千', 'an approximation'],
    ['一二', 'a two-digit run'],
    ['三点半', 'a clock time without digits after 点'],
    ['百分之多少', 'a percent question without a figure'],
    ['3千', 'a numeral touching Arabic digits'],
  ])('leaves %s alone (%s)', (input) => {
    expect(arabizeNumerals(input)).toBe(input);
  });

  it('leaves the article text unchanged (its figures are printed in Arabic digits)', () => {
    const text = normalizeText(article);
    expect(arabizeNumerals(text)).toBe(text);
  });
});

describe('stripAddressing', () => {
  it.each<[string, string | undefined, string]>([
    ['/ask 兴和县人口', undefined, '兴和县人口'],
    ['/ask兴和县人口', undefined, '兴和县人口'],
    ['  /ASK   兴和县  ', undefined, '兴和县'],
    ['/ask@MinshengBot 兴和县', 'MinshengBot', '兴和县'],
    ['/ask@AnyOtherBot: 兴和县', 'MinshengBot', '兴和县'],
    ['／ask 兴和县', undefined, '兴和县'],
    ['@MinshengBot 兴和县多少人', 'MinshengBot', '兴和县多少人'],
    ['@minshengbot，兴和县多少人', '@MinshengBot', '兴和县多少人'],
    ['兴和县多少人 @MinshengBot', 'MinshengBot', '兴和县多少人'],
    ['兴和县多少人@MinshengBot', 'MinshengBot', '兴和县多少人'],
    ['@SomeBot /ask 兴和县', undefined, '兴和县'],
    ['@someone 兴和县', undefined, '兴和县'],
    ['/ask', undefined, ''],
    ['@MinshengBot', 'MinshengBot', ''],
  ])('strips %j (bot %s) → %j', (input, bot, expected) => {
    expect(stripAddressing(input, bot)).toBe(expected);
  });

  it.each<[string, string | undefined, string]>([
    ['/start', undefined, 'another command is for the router'],
    ['/help 兴和县', undefined, 'another command is for the router'],
    ['/asking 兴和县', undefined, 'a longer command word'],
    ['@someone 兴和县', 'MinshengBot', 'a mention of someone else when the bot name is known'],
    ['发到 a@example.com', undefined, 'an e-mail address'],
    ['兴和县 @ 克旗', undefined, 'a lone at sign'],
  ])('keeps %j (bot %s): %s', (input, bot) => {
    expect(stripAddressing(input, bot)).toBe(input);
  });
});

describe('stripPoliteness', () => {
  it.each([
    ['你好，我在写论文，想了解一下兴和县的城镇化率是多少，谢谢！', '兴和县的城镇化率是多少'],
    ['您好！请问克旗的扶贫机制有哪些？', '克旗的扶贫机制有哪些'],
    ['hi 麻烦问一下兴和县有多少个行政村呢', '兴和县有多少个行政村'],
    ['Hello, 兴和县有多少人口 thanks', '兴和县有多少人口'],
    ['打扰一下，我想知道兴和县2016年民生支出是多少', '兴和县2016年民生支出是多少'],
    ['我是内蒙古大学的学生，能不能告诉我克什克腾旗贫困发生率', '克什克腾旗贫困发生率'],
    ['我是一名研究生，想了解克旗的合作社', '克旗的合作社'],
    ['帮我查一下兴和县的供热普及率吧', '兴和县的供热普及率'],
    ['能告诉我兴和县有多少贫困人口吗', '兴和县有多少贫困人口吗'],
    ['可以告诉我兴和县的面积', '兴和县的面积'],
    ['想了解兴和县', '兴和县'],
    ['我想了解一下克什克腾旗的扶贫', '克什克腾旗的扶贫'],
    ['请介绍一下克旗的扶贫机制😊', '克旗的扶贫机制'],
    ['辛苦了，兴和县多少贫困村脱贫了？拜托了', '兴和县多少贫困村脱贫了'],
    ['兴和县的城镇化率是多少？多谢', '兴和县的城镇化率是多少'],
    ['兴和县的城镇化率是多少啊哈哈哈', '兴和县的城镇化率是多少'],
    ['小助手你好，我正在做调研报告，需要了解兴和县的医疗', '兴和县的医疗'],
  ])('finds the question in %j', (input, expected) => {
    expect(stripPoliteness(input)).toBe(expected);
  });

  it.each([
    ['我在写关于兴和县的论文，想了解一下城镇化率', 'a self-introduction that names the topic'],
    ['我是兴和县的贫困户，能享受什么政策', 'a self-introduction that is part of the question'],
    ['我想去克什克腾旗旅游,有什么景点', 'a wish that is the question'],
    ['请假怎么办', 'a word starting with 请'],
    ['群众表示感谢', 'a sentence ending with 感谢'],
    ['兴和县', 'a bare topic'],
  ])('keeps %j (%s)', (input) => {
    expect(stripPoliteness(input)).toBe(input);
  });

  it.each([
    ['谢谢！', '谢谢'],
    ['你好', '你好'],
    [' hello ', 'hello'],
    ['请问', '请问'],
    ['哈哈哈', '哈哈哈'],
  ])('does not empty %j, which is only politeness', (input, expected) => {
    expect(stripPoliteness(input)).toBe(expected);
  });

  it('returns an empty string only for empty input', () => {
    expect(stripPoliteness('   ')).toBe('');
  });
});

const regions: RomanizableRegion[] = [
  {
    id: 'hexigten',
    name: '克什克腾旗',
    aliases: ['克旗', '克什克腾', '克什克腾县'],
    romanized: ['Hexigten'],
  },
  { id: 'xinghe', name: '兴和县', aliases: ['兴和'], romanized: [] },
];

describe('romanizedRegionHints', () => {
  it('computes pinyin for the name, the aliases and the name without its suffix', () => {
    const hints = romanizedRegionHints(regions[0] as RomanizableRegion);
    expect(hints).toEqual(
      expect.arrayContaining(['keshiketengqi', 'keshiketeng', 'keqi', 'keshiketengxian']),
    );
  });

  it('includes all heteronym readings (什 is read shi in 克什克腾)', () => {
    const hints = romanizedRegionHints(regions[0] as RomanizableRegion);
    expect(hints).toContain('keshiketeng');
    expect(hints).toContain('keshenketeng');
  });

  it('adds explicit romanizations, compacted', () => {
    expect(
      romanizedRegionHints({ id: 'x', name: '兴和县', aliases: [], romanized: ['Xing-He 3'] }),
    ).toContain('xinghe');
    expect(romanizedRegionHints(regions[0] as RomanizableRegion)).toContain('hexigten');
  });
});

describe('createPinyinMatcher', () => {
  const match = createPinyinMatcher(regions);

  it.each([
    ['xinghe', 'xinghe', 'xinghe'],
    ['Xing He Xian 的人口', 'xinghe', 'Xing He Xian'],
    ['xīnghé有多少人', 'xinghe', 'xīnghé'],
    ['xinghe3', 'xinghe', 'xinghe3'],
    ['xing1 he2', 'xinghe', 'xing1 he2'],
    ['XINGHE县', 'xinghe', 'XINGHE'],
    ['ｘｉｎｇｈｅ', 'xinghe', 'ｘｉｎｇｈｅ'],
    ['I like xinghe county', 'xinghe', 'xinghe county'],
    ['keshiketeng', 'hexigten', 'keshiketeng'],
    ['ke shi ke teng 扶贫', 'hexigten', 'ke shi ke teng'],
    ['Keshiketeng Qi', 'hexigten', 'Keshiketeng Qi'],
    ['keqi的合作社', 'hexigten', 'keqi'],
    ['Hexigten Banner', 'hexigten', 'Hexigten Banner'],
  ])('finds %j', (question, regionId, matched) => {
    expect(match(question)).toEqual({ regionId, matched });
  });

  it.each([
    ['qwertyuiop', 'random letters'],
    ['hexing', 'syllables out of order'],
    ['bikeqi', 'a key inside a longer word'],
    ['xing, he', 'syllables split by punctuation'],
    ['兴和县的人口', 'no Latin letters'],
    ['hello world', 'ordinary English'],
  ])('finds nothing in %j (%s)', (question) => {
    expect(match(question)).toBeUndefined();
  });

  it('returns the earliest match', () => {
    expect(match('keqi and xinghe')).toEqual({ regionId: 'hexigten', matched: 'keqi' });
  });

  it('works for a new region without code changes', () => {
    const withHohhot = createPinyinMatcher([
      ...regions,
      { id: 'hohhot', name: '呼和浩特市', aliases: [], romanized: [] },
    ]);
    expect(withHohhot('Huhehaote Shi')).toEqual({ regionId: 'hohhot', matched: 'Huhehaote Shi' });
  });
});

describe('createPlaceNameCorrector', () => {
  const correct = createPlaceNameCorrector(['克什克腾旗', '克什克腾县', '克旗', '兴和县', '兴和']);

  it.each([
    ['兴合县的人口', '兴和县的人口', 'a same-sound character'],
    ['兴河县', '兴和县', 'a same-sound character'],
    ['克什克藤旗', '克什克腾旗', 'a same-sound character'],
    ['克氏克腾的扶贫', '克什克腾的扶贫', 'a same-sound character in the name without its suffix'],
    ['克时克疼旗', '克什克腾旗', 'two same-sound characters in a five-character name'],
    ['克什克疼县', '克什克腾县', 'a same-sound character in an alias'],
    ['克什腾旗', '克什克腾旗', 'a missing character, anchored by 旗'],
    ['克什克腊旗', '克什克腾旗', 'a wrong character, anchored by 旗'],
    ['去克什腾旗看看', '去克什克腾旗看看', 'a missing character inside a sentence'],
  ])('rewrites %j → %j (%s)', (input, expected) => {
    expect(correct(input)).toBe(expected);
  });

  it.each([
    ['兴和县的人口', 'the correct name'],
    ['克什克腾旗和克什克腾县', 'correct names and aliases'],
    ['兴和的人口', 'a correct short name'],
    ['和县', 'another real county'],
    ['安徽和县', 'another real county after a place'],
    ['新河县', 'another real county two characters away'],
    ['新和县', 'another real county: xin is not xing'],
    ['心和县', 'xin is not xing, and would look like 新和县'],
    ['兴县', 'another real county'],
    ['兴旺县', 'a different-sounding character in a three-character name'],
    ['星河县', 'two changed characters in a three-character name'],
    ['兴合', 'a two-character window'],
    ['克腾旗', 'two missing characters'],
    ['克服困难', 'an ordinary word'],
    ['什么时候', 'an ordinary word'],
    ['克什克腾县的人口', 'a suffix change (an alias, handled elsewhere)'],
  ])('keeps %j (%s)', (input) => {
    expect(correct(input)).toBe(input);
  });

  it('without the alias among the names, leaves 克什克腾县 as it is', () => {
    const only = createPlaceNameCorrector(['克什克腾旗', '兴和县']);
    expect(only('克什克腾县')).toBe('克什克腾县');
    expect(only('克氏克腾县')).toBe('克什克腾县');
  });
});
