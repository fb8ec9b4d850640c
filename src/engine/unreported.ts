/**
 * Honest unknowns inside the domain. People ask a region's GDP, population, climate, schools or an
 * official's age; a figures bot must say the article does not report it, never offer the nearest
 * figure of another indicator. The decision is made on the indicator asked: a question names one of
 * these indicators, and no fact of the region asked about is that indicator.
 */
import type { Entry } from './entries.js';

/** An indicator people ask about regions, and how a question (or a fact's wording) names it. */
interface Indicator {
  readonly name: string;
  readonly pattern: RegExp;
}

// Phrases that contain an indicator's word but mean something the article does report:
// 贫困人口 is not the population, 人均可支配收入 is not a wage.
const REPORTED_PHRASES =
  /(贫困|脱贫|搬迁|随迁|带动|减少|惠及|建档立卡|重点贫困|越线|稳定脱贫|就业)人口|贫困人口|人均(可支配|纯)?收入|校园足球|校舍|(重点)?贫困(嘎查)?村|销号|摘帽/g;

const INDICATORS: readonly Indicator[] = [
  { name: 'GDP（地区生产总值）', pattern: /gdp|生产总值|经济总量|经济增速|经济增长率|国民经济/ },
  {
    name: '总人口',
    pattern:
      /总人口|常住人口|户籍人口|人口总数|人口总量|人口规模|人口数|人口(有|是)?多少|多少人口|多少居民|人口密度|住了多少人|有多少人住/,
  },
  { name: '民族构成', pattern: /民族|蒙古族|汉族|回族|满族/ },
  {
    name: '气候和自然条件',
    pattern:
      /气候|气温|温度|降水|降雨|雨量|海拔|天气|多冷|最冷|最热|冷不冷|热不热|多少度|零下|日照|无霜期|风沙|沙尘/,
  },
  {
    name: '学校数量',
    pattern:
      /(几|多少)(所|个|家)?(学校|中学|小学|幼儿园|大学|高中)|(学校|中学|小学|幼儿园|高中)(有|一共)?(几|多少)|学生(有)?(几|多少)|多少(个|名)?学生/,
  },
  {
    name: '医院和医生数量',
    pattern: /(几|多少)(所|个|家)?医院|医院(有|一共)?(几|多少)|床位|多少(个|名)?医生|医生(有)?(几|多少)/,
  },
  { name: '房价', pattern: /房价|房租|楼价|二手房|租房|买房|商品房|每平米多少钱|一平米/ },
  {
    name: '个人情况（年龄、籍贯、履历）',
    pattern:
      /年龄|年纪|多大了|几岁|多少岁|出生|生日|籍贯|老家|哪里人|哪儿人|哪的人|什么地方人|学历|毕业于|属相|星座|结婚|履历|任职时间|上任/,
  },
  { name: '工资水平', pattern: /工资|月薪|薪水|薪资|年薪/ },
  { name: '财政收入', pattern: /财政收入|税收|预算收入|财政总收入|地方收入/ },
  {
    name: '农牧业产量和耕地',
    pattern: /粮食产量|产量|牲畜(头数|数量)?|存栏|出栏|耕地面积|草场面积|牛羊(有)?多少/,
  },
  {
    name: '森林覆盖率和生态',
    pattern: /森林覆盖率|绿化率|植被覆盖|空气质量|环境质量|降尘/,
  },
  { name: '交通设施', pattern: /机场|高铁|火车站|铁路|高速公路|公路里程|通车/ },
  { name: '旅游接待', pattern: /游客|旅游人次|旅游收入|景区数量|几个景区|多少个景区|门票/ },
  { name: '联系方式', pattern: /电话|手机号|邮编|区号|联系方式|邮箱|网址|官网/ },
  { name: '低保和救助人数', pattern: /低保|五保|特困供养|救助人数/ },
  { name: '犯罪和治安', pattern: /犯罪|治安|案件|刑事/ },
  { name: '费用和价格', pattern: /暖气费|取暖费|供暖费|水费|电费|学费|物业费|费用|收费|价格|单价|多少钱一/ },
  {
    name: '行政区划（乡镇、村的数目）',
    pattern:
      /(有|辖|一共|总共|共有)(几|多少)个?(苏木|乡镇|镇|乡|嘎查|行政村)|(苏木|乡镇|行政村|嘎查村)(有|一共|总共)(几|多少)|下辖|辖区|辖几/,
  },
];

/** Finds an indicator asked about that the knowledge does not report for the region asked. */
export interface UnreportedDetector {
  /** The indicator's name, or undefined when the question asks nothing of the kind or it is reported. */
  detect(question: string, regionIds: readonly string[]): string | undefined;
}

/** Builds the detector from the entries: an indicator is reported where some fact names it. */
export function createUnreportedDetector(entries: readonly Entry[]): UnreportedDetector {
  // For each indicator, the regions with a fact that names it (in its indicator or ask phrases).
  const reportedIn = new Map<string, Set<string>>();
  for (const e of entries) {
    if (!e.fact) continue;
    const words = [e.fact.indicator, ...e.fact.ask].join(' ').replace(REPORTED_PHRASES, ' ');
    for (const ind of INDICATORS) {
      if (!ind.pattern.test(words)) continue;
      let regions = reportedIn.get(ind.name);
      if (!regions) reportedIn.set(ind.name, (regions = new Set()));
      regions.add(e.region?.id ?? '');
    }
  }
  return {
    detect(question, regionIds) {
      const text = question.toLowerCase().replace(REPORTED_PHRASES, ' ');
      for (const ind of INDICATORS) {
        if (!ind.pattern.test(text)) continue;
        const where = reportedIn.get(ind.name);
        const reported =
          regionIds.length > 0 ? regionIds.every((id) => where?.has(id)) : (where?.size ?? 0) > 0;
        if (!reported) return ind.name;
      }
      return undefined;
    },
  };
}
