/**
 * Reading the layout of an interview page (对话 pages of 内蒙古日报): the masthead, the title and
 * introduction, each interview (headline, 对话人 line, 核心提示, the reporter's and the official's turns),
 * and the 【百姓声音】 and 【背景链接】 sections. Pure: text in, positions out. Every piece of text is kept
 * as a span of the source, so whatever is drafted from it stands verbatim in the source.
 */

/** A stretch of the source text, [start, end). */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Something the reader could not place: reported to the maintainer, never guessed silently. */
export interface IngestNote {
  /** The 1-based line of the source it is about, where there is one. */
  readonly line?: number;
  readonly message: string;
}

/** A masthead editor: `执行主编 江新辉`. */
export interface EditorLine {
  readonly role: string;
  readonly name: string;
  /** `role name` exactly as printed. */
  readonly printed: string;
}

/** One reporter's question and the official's answer. */
export interface TurnLayout {
  readonly line: number;
  readonly question: Span;
  readonly answer: Span;
}

/** One interview: `headline`, `对话人：<region><role> <name>`, `本报记者 <name>`, 核心提示, turns. */
export interface InterviewLayout {
  readonly line: number;
  readonly headline?: string;
  /** The 对话人 line as printed. */
  readonly dialogueLine: string;
  /** The region and role as printed (克什克腾县委书记), its place-name stem (克什克腾) and role (县委书记). */
  readonly regionRole: string;
  readonly stem: string;
  /** The level the heading prints: the 旗/县 of 克什克腾县委书记. */
  readonly printedLevel: string;
  readonly role: string;
  readonly official: string;
  readonly reporter?: string;
  readonly reporterLine?: string;
  readonly reporterRole?: string;
  readonly summary?: Span;
  readonly turns: readonly TurnLayout[];
  /** The whole interview, from the 对话人 line to its last answer. */
  readonly block: Span;
}

/** A 【百姓声音】 story. */
export interface StoryLayout {
  readonly line: number;
  readonly title: string;
  /** From the first paragraph to the byline, inclusive. */
  readonly text: Span;
  /** The author's name, from the byline `（刘玉国）`. */
  readonly author?: string;
  /** The byline as printed, with its brackets. */
  readonly byline?: string;
  /** The photo caption printed under the story. */
  readonly caption?: string;
}

/** One paragraph of a 【背景链接】 section. */
export interface BackgroundLayout {
  readonly line: number;
  readonly text: Span;
  /** Which 【背景链接】 section of the page it belongs to (0, 1 …). */
  readonly section: number;
}

/** What the reader found on the page. */
export interface PageLayout {
  readonly text: string;
  readonly publication?: string;
  /** YYYY-MM-DD. */
  readonly date?: string;
  readonly page?: number;
  readonly section?: string;
  readonly column?: string;
  readonly editors: readonly EditorLine[];
  readonly title?: string;
  readonly intro?: Span;
  readonly interviews: readonly InterviewLayout[];
  readonly stories: readonly StoryLayout[];
  readonly background: readonly BackgroundLayout[];
  readonly notes: readonly IngestNote[];
}

interface Line {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** 1-based. */
  readonly no: number;
}

const DATE = /^(\d{4})年(\d{1,2})月(\d{1,2})日/;
const PAGE = /^第?(\d{1,3})版?$/;
const MARKER = /^【([^】]+)】$/;
const DIALOGUE = /^对话人[：:]\s*/;
const REPORTER = /^(本报记者|本报通讯员|记者|通讯员)\s*(.+)$/;
const SUMMARY = /^核心提示[：:]?\s*/;
const SPEAKER = /^([\u3400-\u9fff·]{1,6})[：:]/;
const BYLINE = /（(?:本报记者|记者|通讯员)?\s*([\u3400-\u9fff·]{2,8})）$/;
const EDITOR_ROLE =
  /^(?:执行主编|主编|责任编辑|编辑|版式策划|策划|制图|美术编辑|美编|校对|摄影|设计|统筹|责任校对)$/;
/** Parenthesized lines between masthead and title are editorial notes, not the title. */
const NOTE_LINE = /^[（(].*[）)]$/;
const LEVELS = '旗县市区盟镇乡';
// The roles an interviewed official is printed with, longest first so 旗委副书记 wins over 书记.
const ROLE_SUFFIXES = [...LEVELS]
  .flatMap((l) => [`${l}委副书记`, `${l}委书记`, `副${l}长`, `${l}长`, `${l}人大常委会主任`, `${l}政协主席`])
  .concat(['党委书记', '党委副书记', '书记'])
  .sort((a, b) => b.length - a.length);

/** Reads the layout of an interview page. Everything it could not read is listed in `notes`. */
export function readPageLayout(text: string): PageLayout {
  const lines = nonBlankLines(text);
  const notes: IngestNote[] = [];
  const masthead = readMasthead(lines, notes);

  const dialogueAt = lines.flatMap((l, i) => (DIALOGUE.test(l.text) ? [i] : []));
  const markerAt = lines.flatMap((l, i) => (MARKER.test(l.text) ? [i] : []));
  // The headline is the line just above 对话人, unless that line is something else we know.
  const headlineAt = dialogueAt.map((i) => {
    const prev = lines[i - 1];
    return i - 1 >= masthead.end && prev && !MARKER.test(prev.text) && !DIALOGUE.test(prev.text) ? i - 1 : -1;
  });
  const blockStarts = [...headlineAt.filter((i) => i >= 0), ...markerAt].sort((a, b) => a - b);
  const nextBoundary = (after: number) => blockStarts.find((b) => b > after) ?? lines.length;

  // Between the masthead and the first interview: the title and the introduction.
  const firstBlock = Math.min(blockStarts[0] ?? lines.length, dialogueAt[0] ?? lines.length);
  const preface = lines.slice(masthead.end, firstBlock).filter((l) => {
    if (!NOTE_LINE.test(l.text)) return true;
    notes.push({ line: l.no, message: `left out a note printed before the title: ${l.text}` });
    return false;
  });
  const [titleLine, ...introLines] = preface;
  const firstIntro = introLines[0];
  const lastIntro = introLines[introLines.length - 1];

  const interviews: InterviewLayout[] = [];
  dialogueAt.forEach((at, n) => {
    const h = headlineAt[n] ?? -1;
    const headline = h >= 0 ? lines[h]?.text : undefined;
    const iv = readInterview(lines.slice(at, nextBoundary(at)), headline, notes);
    if (iv) interviews.push(iv);
  });

  const stories: StoryLayout[] = [];
  const background: BackgroundLayout[] = [];
  let backgroundSections = 0;
  for (const at of markerAt) {
    const marker = lines[at];
    if (!marker) continue;
    const name = MARKER.exec(marker.text)?.[1] ?? '';
    const body = lines.slice(at + 1, nextBoundary(at));
    if (name === '百姓声音') {
      const story = readStory(body, marker.no, notes);
      if (story) stories.push(story);
    } else if (name === '背景链接') {
      const section = backgroundSections++;
      for (const l of body) background.push({ line: l.no, text: { start: l.start, end: l.end }, section });
      if (body.length === 0) notes.push({ line: marker.no, message: '【背景链接】 with no text under it' });
    } else {
      notes.push({
        line: marker.no,
        message: `unknown section 【${name}】 (${body.length} lines): left out; only 【百姓声音】 and 【背景链接】 are read`,
      });
    }
  }
  if (dialogueAt.length === 0) notes.push({ message: 'no interview found: no line starts with 对话人：' });

  return {
    text,
    ...masthead.found,
    editors: masthead.editors,
    ...(titleLine
      ? { title: titleLine.text }
      : interviews[0]?.headline
        ? { title: interviews[0].headline }
        : {}),
    ...(firstIntro && lastIntro ? { intro: { start: firstIntro.start, end: lastIntro.end } } : {}),
    interviews,
    stories,
    background,
    notes,
  };
}

interface MastheadFound {
  publication?: string;
  date?: string;
  page?: number;
  section?: string;
  column?: string;
}

/** The masthead: decoration, section, page number, publication, date and the editors' lines. */
function readMasthead(
  lines: readonly Line[],
  notes: IngestNote[],
): { found: MastheadFound; editors: EditorLine[]; end: number } {
  const found: MastheadFound = {};
  const editors: EditorLine[] = [];
  // The masthead is at the top; a date further down is part of the text.
  const dateAt = lines.slice(0, 30).findIndex((l) => DATE.test(l.text));
  const dateLine = lines[dateAt];
  if (dateAt < 0 || !dateLine) {
    notes.push({
      message: 'no masthead date (like 2017年2月23日 星期四) in the first lines: set source.date',
    });
    return { found, editors, end: 0 };
  }
  const [, y, m, d] = DATE.exec(dateLine.text) ?? [];
  found.date = `${y}-${pad(m)}-${pad(d)}`;

  const before = lines.slice(0, dateAt);
  const pubAt = before.findLastIndex((l) => /报$/.test(l.text));
  if (pubAt >= 0) found.publication = before[pubAt]?.text;
  else notes.push({ line: dateLine.no, message: 'no publication name (a line ending in 报) above the date' });
  // Above the publication: the column's lines, the section and the page number; Latin lines are the
  // masthead's decorative pinyin.
  const top = before.slice(0, pubAt < 0 ? dateAt : pubAt).filter((l) => !/^[A-Z\s-]+$/.test(l.text));
  const pageAt = top.findIndex((l) => PAGE.test(l.text));
  if (pageAt >= 0) {
    found.page = Number(PAGE.exec(top[pageAt]?.text ?? '')?.[1]);
    const above = top.slice(0, pageAt);
    const section = above.pop();
    if (section) found.section = section.text;
    if (above.length > 0) found.column = above.map((l) => l.text).join(' ');
  } else {
    notes.push({ message: 'no page number in the masthead: set source.page (1 is a placeholder)' });
  }

  let end = dateAt + 1;
  for (let i = dateAt + 1; i < lines.length; i++) {
    const parsed = readEditors(lines[i]?.text ?? '');
    if (!parsed) break;
    editors.push(...parsed);
    end = i + 1;
  }
  return { found, editors, end };
}

/** `执行主编 江新辉 责任编辑 赵娜` → two editors; undefined when the line is not an editors' line. */
function readEditors(line: string): EditorLine[] | undefined {
  const tokens = line.split(/\s+/).filter(Boolean);
  if (tokens.length < 2 || tokens.length % 2 !== 0) return undefined;
  const out: EditorLine[] = [];
  for (let i = 0; i < tokens.length; i += 2) {
    const role = tokens[i] ?? '';
    const name = tokens[i + 1] ?? '';
    if (!EDITOR_ROLE.test(role)) return undefined;
    const printed = new RegExp(`${role}\\s+${name}`).exec(line)?.[0] ?? `${role} ${name}`;
    out.push({ role, name, printed });
  }
  return out;
}

/** `克什克腾县委书记` → stem 克什克腾, printed level 县, role 县委书记. */
export function splitRegionRole(
  regionRole: string,
): { stem: string; level: string; role: string } | undefined {
  for (const role of ROLE_SUFFIXES) {
    if (!regionRole.endsWith(role) || regionRole.length === role.length) continue;
    const place = regionRole.slice(0, -role.length);
    const last = place[place.length - 1] ?? '';
    const roleLevel = [...role].find((c) => LEVELS.includes(c)) ?? '';
    if (LEVELS.includes(last) && place.length > 2) return { stem: place.slice(0, -1), level: last, role };
    if (roleLevel) return { stem: place, level: roleLevel, role };
    return undefined;
  }
  return undefined;
}

function readInterview(
  block: readonly Line[],
  headline: string | undefined,
  notes: IngestNote[],
): InterviewLayout | undefined {
  const [first, ...rest] = block;
  if (!first) return undefined;
  const who = first.text.replace(DIALOGUE, '');
  // The reporter may share the 对话人 line: `对话人：兴和县委书记 刘政 本报记者 皇甫美群`.
  const [officialPart = '', reporterPart] = who.split(/\s+(?=本报记者|记者)/);
  const tokens = officialPart.split(/\s+/).filter(Boolean);
  let regionRole = tokens.slice(0, -1).join('');
  let official = tokens[tokens.length - 1] ?? '';
  let split = tokens.length >= 2 ? splitRegionRole(regionRole) : undefined;
  if (!split) {
    // No space between role and name: 克什克腾县委书记边中悦.
    for (const role of ROLE_SUFFIXES) {
      const at = officialPart.indexOf(role);
      if (at <= 0) continue;
      const candidate = splitRegionRole(officialPart.slice(0, at + role.length));
      const name = officialPart.slice(at + role.length).trim();
      if (candidate && name) {
        split = candidate;
        regionRole = officialPart.slice(0, at + role.length);
        official = name;
        break;
      }
    }
  }
  if (!split || !official) {
    notes.push({
      line: first.no,
      message: `cannot read the 对话人 line "${first.text}" (expected <地区><职务> <姓名>): interview left out`,
    });
    return undefined;
  }
  if (!headline) notes.push({ line: first.no, message: 'no headline above the 对话人 line' });
  else if (!readsAsHeadline(headline)) {
    notes.push({
      line: first.no - 1,
      message: `the headline "${headline}" does not read as two phrases: check it against the printed page`,
    });
  }

  let reporterLine: string | undefined;
  let reporter: string | undefined;
  let reporterRole: string | undefined;
  const takeReporter = (text: string) => {
    const m = REPORTER.exec(text.trim());
    if (!m) return false;
    const names = (m[2] ?? '').split(/\s+/).filter(Boolean);
    reporterLine = text.trim();
    reporterRole = m[1] === '记者' ? '本报记者' : m[1];
    reporter = names[0];
    if (names.length > 1)
      notes.push({
        line: first.no,
        message: `several reporters (${names.join('、')}): only the first is modelled`,
      });
    return true;
  };
  let i = 0;
  if (reporterPart) takeReporter(reporterPart);
  else if (rest[0] && takeReporter(rest[0].text)) i = 1;
  if (!reporter) notes.push({ line: first.no, message: 'no reporter line (本报记者 <姓名>) under 对话人' });

  // Up to 核心提示: the photo caption (the role and the name again); anything else is reported.
  const summaryAt = rest.findIndex((l, j) => j >= i && SUMMARY.test(l.text));
  const isSpeaker = (l: Line) => {
    const name = SPEAKER.exec(l.text)?.[1];
    return (
      name !== undefined &&
      (name === reporter || name === official || name === '记者' || name === '问' || name === '答')
    );
  };
  const firstTurn = rest.findIndex((l, j) => j >= i && isSpeaker(l));
  const captionEnd = summaryAt >= 0 ? summaryAt : firstTurn >= 0 ? firstTurn : rest.length;
  for (const l of rest.slice(i, captionEnd)) {
    if (l.text === regionRole || l.text === official || l.text === `${regionRole} ${official}`) continue;
    notes.push({ line: l.no, message: `unexpected line before 核心提示, left out: ${l.text}` });
  }

  let summary: Span | undefined;
  if (summaryAt >= 0) {
    const head = rest[summaryAt];
    const inline = head ? head.text.replace(SUMMARY, '') : '';
    const bodyEnd = firstTurn >= 0 ? firstTurn : rest.length;
    const body = rest.slice(summaryAt + 1, bodyEnd);
    const firstBody =
      inline && head ? { start: head.end - inline.length } : body[0] ? { start: body[0].start } : undefined;
    const lastBody = body[body.length - 1] ?? (inline ? head : undefined);
    if (firstBody && lastBody) summary = { start: firstBody.start, end: lastBody.end };
  }
  if (!summary) notes.push({ line: first.no, message: 'no 核心提示 (summary) in this interview' });

  const turns: TurnLayout[] = [];
  let current: { line: number; question: Span; answer?: Span } | undefined;
  const flush = () => {
    if (current?.answer)
      turns.push({ line: current.line, question: current.question, answer: current.answer });
    else if (current) notes.push({ line: current.line, message: 'a question with no answer: left out' });
    current = undefined;
  };
  for (const l of rest.slice(firstTurn >= 0 ? firstTurn : rest.length)) {
    const m = SPEAKER.exec(l.text);
    const name = m?.[1];
    const body = { start: l.start + (m?.[0].length ?? 0), end: l.end };
    if (name === reporter || name === '记者' || name === '问') {
      flush();
      current = { line: l.no, question: body };
    } else if (name === official || name === '答') {
      if (!current) {
        notes.push({ line: l.no, message: `an answer of ${official} with no question before it: left out` });
      } else if (current.answer) {
        // The official speaks again with no question between: the same answer goes on.
        current.answer = { start: current.answer.start, end: l.end };
      } else current.answer = body;
    } else if (current) {
      if (name && m && m[0].length <= 6) {
        notes.push({
          line: l.no,
          message: `the speaker "${name}" is neither the reporter (${reporter ?? '?'}) nor the official (${official}): kept as part of the ${current.answer ? 'answer' : 'question'}`,
        });
      }
      // A paragraph that continues the question or the answer.
      if (current.answer) current.answer = { start: current.answer.start, end: l.end };
      else current.question = { start: current.question.start, end: l.end };
    }
  }
  flush();
  if (turns.length === 0)
    notes.push({
      line: first.no,
      message: `no turns (${reporter ?? '记者'}：… / ${official}：…) in this interview`,
    });

  const last = block[block.length - 1] ?? first;
  return {
    line: first.no,
    ...(headline ? { headline } : {}),
    dialogueLine: first.text,
    regionRole,
    stem: split.stem,
    printedLevel: split.level,
    role: split.role,
    official,
    ...(reporter ? { reporter, reporterLine, reporterRole } : {}),
    ...(summary ? { summary } : {}),
    turns,
    block: { start: first.start, end: last.end },
  };
}

/** A 对话 headline is two phrases of three or more characters: 多策并举 擦亮民生底色. */
function readsAsHeadline(headline: string): boolean {
  const parts = headline.split(/\s+/).filter(Boolean);
  return parts.length <= 2 && parts.every((p) => p.replace(/[？！?!，。]/g, '').length >= 3);
}

function readStory(body: readonly Line[], markerLine: number, notes: IngestNote[]): StoryLayout | undefined {
  const [titleLine, ...rest] = body;
  const firstPara = rest[0];
  if (!titleLine || !firstPara) {
    notes.push({ line: markerLine, message: '【百姓声音】 without a title and a text: left out' });
    return undefined;
  }
  const bylineAt = rest.findIndex((l) => BYLINE.test(l.text));
  const lastPara = bylineAt >= 0 ? rest[bylineAt] : rest[rest.length - 1];
  if (!lastPara) return undefined;
  const story: StoryLayout = {
    line: titleLine.no,
    title: titleLine.text,
    text: { start: firstPara.start, end: lastPara.end },
  };
  if (bylineAt < 0) {
    notes.push({
      line: titleLine.no,
      message: `the story "${titleLine.text}" has no byline like （作者）: set its author`,
    });
    return story;
  }
  const m = BYLINE.exec(lastPara.text);
  const after = rest.slice(bylineAt + 1);
  if (after.length > 1) {
    notes.push({
      line: after[1]?.no,
      message: `${after.length} lines under the story "${titleLine.text}": the first is taken as the photo caption, the rest left out`,
    });
  }
  return {
    ...story,
    ...(m?.[1] ? { author: m[1], byline: m[0] } : {}),
    ...(after[0] ? { caption: after[0].text } : {}),
  };
}

function nonBlankLines(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  let no = 1;
  for (const raw of text.split('\n')) {
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (trimmed) out.push({ text: trimmed, start: start + lead, end: start + lead + trimmed.length, no });
    start += raw.length + 1;
    no++;
  }
  return out;
}

function pad(n: string | undefined): string {
  return (n ?? '').padStart(2, '0');
}

/** The 1-based line of a position in the text. */
export function lineOf(text: string, index: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
