/**
 * General language the engine knows, independent of any one article: how people say things
 * (colloquial → the newspaper's word), English words of the domain, and places that are not ours.
 * Article-specific phrasings belong in the knowledge's `ask` lists, not here.
 */

/**
 * Colloquial or alternative wording → the words the newspaper uses. The expansion is added to the
 * question (never replaces it), so a match on either counts.
 */
export const SYNONYMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/花|花费|开销|开支|花销|投入|投了/, '支出 投资'],
  [/钱|经费|款/, '资金 元'],
  [/农民|乡下人|村里人|农村人|农牧民/, '农村居民'],
  [/城里人|城市居民|市民|城里/, '城镇居民'],
  [/挣|赚|收入水平|进账/, '收入'],
  [/多挣|增加收入/, '增收'],
  [/穷人|穷困|困难户|困难群众|穷/, '贫困'],
  [/摆脱贫困|脱了贫|脱离贫困|出列|甩掉穷帽子|不再贫困|走出贫困|摘掉贫困/, '脱贫'],
  [/摘帽|摘掉帽子|退出贫困|销号|出列/, '摘帽 销号'],
  [/贫困村/, '贫困嘎查村 重点贫困村'],
  [/暖气|供暖|取暖|烧暖/, '供热'],
  [/自来水|吃水|用水/, '供水'],
  [/下水|排污/, '污水处理'],
  [/找工作|上班|岗位|工作机会|就业机会/, '就业'],
  [/失业/, '失业率'],
  [/看病|就医|医院|卫生院/, '医疗 卫生'],
  [/上学|读书|学校|学生/, '教育'],
  [/养老金|退休金/, '养老金 养老保险'],
  [/老人|养老/, '养老'],
  [/借钱|贷了|借款|放贷/, '贷款'],
  [/房子|住房|房屋/, '房'],
  [/搬家|挪窝|移民/, '搬迁'],
  [/村子|村庄|庄子/, '村'],
  [/面积|多大|地盘|占地/, '面积'],
  [/在哪|哪里|哪儿|什么地方|位置/, '位于 地处'],
  [/搞|干/, '实施'],
  [/打算|准备|想要|规划/, '计划'],
  // "多少人" leaves 人 alone: a count of people, printed as 人口, 人数 or 名.
  [/人(?![口数均员民群们])/, '人口 人数 名'],
  [/变化|变了|下降|降低|降了|减少|增加|提高|上升|涨|增长|增幅/, '下降 增长 提高 减少 增加'],
  [/经验|做法|举措|措施|探索|招数|路子|门道/, '经验 做法 举措 措施 探索 机制'],
  [/缺/, '缺少'],
  [/家里/, '家庭'],
  [/花样|新招|新办法|新做法|新点子/, '创新'],
  [/返贫/, '稳定脱贫 摘帽不摘政策'],
  [/类型|性质|定位|称号|身份|什么样的(旗|县)/, '重点旗 老区 贫困县'],
  [/署|署名|落款/, '作者 署名'],
  [/通栏|主题|栏目|版块/, '对话 版'],
  [/第\s?版|第\s?页/, '第几版 版面'],
  [/企业|公司|厂/, '电厂 热力公司 龙头企业'],
  [/以前|从前|原来|早先|过去/, '过去 原有'],
  [/为啥|为什么|为何|什么原因|咋回事/, '原因 由于 因为'],
  [/会议|大会/, '党代会'],
  [/照片|图片|配图|图里|照片里/, '照片 配图'],
  [/隶属|归属|管辖|上级|所属|归|管/, '隶属 位于'],
  [/准/, '精准 准字'],
  [/实在|实字/, '实字'],
  [/硬气|硬字/, '硬字'],
  [/记者/, '本报记者'],
  [/书记|一把手|领导|当官的/, '书记'],
  [/老百姓|百姓/, '百姓声音'],
  [/羊羔/, '小羊羔'],
  [/网|宽带|电视/, '户通 数字电视'],
  [/广播|喇叭/, '村村响 广播'],
  [/报纸|报社|版面|日报/, '内蒙古日报 版'],
  [/年轻人|创业/, '创业 创客'],
  [/体检/, '健康体检'],
  [/保险/, '保险 医疗险'],
  [/残疾/, '残疾人'],
  [/危房|破房/, '危房改造'],
  [/棚改/, '棚户区改造'],
];

/** English words of the domain → Chinese, so that "Xinghe poverty rate" can be searched. */
export const ENGLISH: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bparty secretary\b|\bsecretary\b/, '书记'],
  [/\breporter\b|\bjournalist\b|\binterview(ed|er)?\b/, '记者 采访'],
  [/\bout of poverty\b|\blifted\b|\bescaped poverty\b/, '脱贫'],
  [/\bpoverty rate\b|\bpoverty incidence\b/, '贫困发生率'],
  [/\bpoverty\b|\bpoor\b/, '贫困'],
  [/\bregistered\b/, '建档立卡'],
  [/\bpeople\b|\bpopulation\b|\bpersons?\b/, '人口'],
  [/\bhouseholds?\b|\bfamilies\b/, '户'],
  [/\bvillages?\b/, '村'],
  [/\barea\b|\bsize\b|\bbig\b/, '面积'],
  [/\bwhere\b|\blocated\b|\blocation\b/, '位于 地处'],
  [/\bwhen\b|\bwhich year\b/, '哪年'],
  [/\bwho\b/, '谁'],
  [/\bhow many\b|\bhow much\b/, '多少'],
  [/\bincome\b/, '收入'],
  [/\brural\b|\bfarmers?\b/, '农村居民'],
  [/\burban\b/, '城镇居民'],
  [/\burbani[sz]ation\b/, '城镇化率'],
  [/\bheating\b/, '供热'],
  [/\bwater supply\b|\bwater\b/, '供水'],
  [/\bsewage\b/, '污水处理'],
  [/\bloans?\b|\bcredit\b/, '贷款'],
  [/\bspending\b|\bexpenditure\b|\bspent\b/, '支出'],
  [/\binvest(ment|ed)?\b/, '投资'],
  [/\bjobs?\b|\bemployment\b/, '就业'],
  [/\bunemployment\b/, '失业率'],
  [/\bpension\b/, '养老金'],
  [/\bcooperatives?\b|\bco-?ops?\b/, '合作社'],
  [/\bleading enterprises?\b|\benterprises?\b|\bcompan(y|ies)\b/, '龙头企业'],
  [/\bhelp(s|ed|ing)?\b|\bsupport(s|ed)?\b|\bdrive[sn]?\b/, '带动 帮扶'],
  [/\btarget\b|\bplan(ned)?\b|\bgoal\b|\bthis year\b/, '目标 计划'],
  [/\blast year\b/, '去年'],
  [/\bnational(-level)? poor county\b|\bpoverty county\b/, '国家级贫困县'],
  [/\bsheep\b/, '羊'],
  [/\bnewspaper\b|\bpage\b/, '内蒙古日报 版'],
  [/\bgdp\b/, 'gdp'],
];

/**
 * Places people ask about that are not regions of the knowledge. A question about one of them (and
 * none of ours) is declined: the article reports nothing on 云南 or 北京's poverty.
 */
export const OTHER_PLACES =
  /北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|广西|海南|四川|贵州|云南|西藏|陕西|甘肃|青海|宁夏|新疆|台湾|香港|澳门|呼和浩特|包头|赤峰|通辽|鄂尔多斯|呼伦贝尔|巴彦淖尔|乌兰察布|乌海|兴安盟|锡林郭勒|阿拉善|广州|深圳|杭州|南京|武汉|成都|西安|沈阳|大连|青岛|厦门|苏州|长沙|郑州|济南|哈尔滨|长春|昆明|贵阳|南宁|兰州|银川|西宁|拉萨|乌鲁木齐|太原|石家庄|合肥|福州|南昌|海口|美国|日本|英国|法国|德国|俄罗斯|韩国|印度|蒙古国|非洲|欧洲/g;
