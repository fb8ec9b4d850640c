/**
 * Validation of the structured parameters of Bot API calls (texts, reply markup, inline query
 * results, bot commands), with the error texts api.telegram.org answers.
 */
import { detectEntities, trimFormattedText } from './entities.js';
import { parseTelegramHtml, sortEntities, type TgMessageEntity } from './html.js';
import { toJson, toStr } from './request-body.js';
import type { TgInlineKeyboardButton, TgInlineKeyboardMarkup } from './types.js';

/** A Bot API error; the server answers it as `{ok:false,error_code,description,parameters}`. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
  }
}

/** Builds a 400 error with Telegram's `Bad Request: ` prefix. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, `Bad Request: ${message}`);
}

/** The limit Telegram puts on a message text after entity parsing (UTF-16 code units). */
export const MAX_MESSAGE_LENGTH = 4096;
/** The limit Telegram puts on a media caption after entity parsing. */
export const MAX_CAPTION_LENGTH = 1024;

/** A text as stored on a message: plain text plus entities. */
export interface FormattedText {
  text: string;
  entities: TgMessageEntity[];
  warnings: string[];
}

/** How strictly to treat a `&` that starts no entity (Telegram keeps it as a literal `&`). */
export type AmpersandPolicy = 'telegram' | 'reject';

/**
 * Turns a text parameter plus its parse_mode or entities into the stored text, throwing the
 * error Telegram gives for unparsable markup; trimming and auto-detected entities are applied.
 */
export function formatText(
  raw: string,
  parseMode: unknown,
  rawEntities: unknown,
  ampersands: AmpersandPolicy,
): FormattedText {
  const warnings: string[] = [];
  let text = raw;
  let entities: TgMessageEntity[] = [];
  const explicit = rawEntities === undefined || rawEntities === '' ? undefined : toJson(rawEntities);
  if (explicit !== undefined) {
    if (!explicit.ok) throw badRequest("can't parse entities JSON object");
    if (!Array.isArray(explicit.value)) throw badRequest('expected an Array of MessageEntity');
    entities = explicit.value.map((value) => parseEntity(value, text.length));
  } else {
    const mode = (toStr(parseMode) ?? '').trim().toLowerCase();
    if (mode === 'html') {
      const parsed = parseTelegramHtml(raw);
      if (!parsed.ok) throw badRequest(`can't parse entities: ${parsed.error}`);
      for (const offset of parsed.bareAmpersands) {
        const note = `bare '&' at byte offset ${offset} is not an HTML entity; Telegram keeps it, but write &amp;`;
        if (ampersands === 'reject') throw badRequest(`can't parse entities: [emulator strict mode] ${note}`);
        warnings.push(note);
      }
      text = parsed.text;
      entities = parsed.entities;
    } else if (mode === 'markdown' || mode === 'markdownv2') {
      warnings.push(`parse_mode ${mode} is not emulated; the text is stored without entities`);
    } else if (mode !== '') {
      throw badRequest('unsupported parse_mode');
    }
  }
  const trimmed = trimFormattedText(text, entities);
  const all = sortEntities([...trimmed.entities, ...detectEntities(trimmed.text, trimmed.entities)]);
  return { text: trimmed.text, entities: all, warnings };
}

function parseEntity(value: unknown, textLength: number): TgMessageEntity {
  if (value === null || typeof value !== 'object')
    throw badRequest("can't parse MessageEntity: expected an Object");
  const object = value as Record<string, unknown>;
  const type = toStr(object.type);
  if (type === undefined) throw badRequest(`can't parse MessageEntity: Can't find field "type"`);
  const offset = Number(object.offset);
  const length = Number(object.length);
  if (!Number.isInteger(offset) || !Number.isInteger(length)) {
    throw badRequest(`can't parse MessageEntity: Can't find field "offset"`);
  }
  if (offset < 0 || length <= 0 || offset + length > textLength) {
    throw badRequest('entity begins after the end of the text or has non-positive length');
  }
  const entity: TgMessageEntity = { type, offset, length };
  for (const key of ['url', 'language', 'custom_emoji_id'] as const) {
    const field = toStr(object[key]);
    if (field !== undefined) entity[key] = field;
  }
  return entity;
}

/** A parsed reply_markup: inline keyboards are echoed in Message, the other kinds are not. */
export type ParsedMarkup =
  | { kind: 'inline'; markup: TgInlineKeyboardMarkup; serverError?: string }
  | { kind: 'other'; markup: Record<string, unknown> };

const INLINE_BUTTON_KINDS = [
  'url',
  'callback_data',
  'callback_game',
  'pay',
  'switch_inline_query',
  'switch_inline_query_chosen_chat',
  'switch_inline_query_current_chat',
  'login_url',
  'web_app',
  'copy_text',
] as const;

function requiredString(object: Record<string, unknown>, field: string): string {
  const value = object[field];
  if (value === undefined) throw new Error(`Can't find field "${field}"`);
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new Error(`Field "${field}" must be of type String`);
}

function parseInlineButton(value: unknown): { button: TgInlineKeyboardButton; serverError?: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('InlineKeyboardButton must be an Object');
  }
  const object = value as Record<string, unknown>;
  const text = requiredString(object, 'text');
  for (const kind of INLINE_BUTTON_KINDS) {
    const field = object[kind];
    if (field === undefined || field === null) continue;
    if ((kind === 'url' || kind === 'callback_data') && (field === '' || typeof field === 'object')) continue;
    const button: TgInlineKeyboardButton = { text, [kind]: kind === 'callback_data' ? String(field) : field };
    let serverError: string | undefined;
    if (kind === 'callback_data' && Buffer.byteLength(String(field), 'utf8') > 64) {
      serverError = 'BUTTON_DATA_INVALID';
    }
    if (kind === 'url' && !/^(https?|tg|ftp):\/\/\S+$/i.test(String(field)))
      serverError = 'BUTTON_URL_INVALID';
    return serverError === undefined ? { button } : { button, serverError };
  }
  throw new Error('Text buttons are unallowed in the inline keyboard');
}

/**
 * Parses reply_markup as the Bot API does, throwing its client-side errors; errors Telegram's
 * servers raise later (BUTTON_DATA_INVALID) are returned in `serverError` for the caller to
 * raise after the chat checks, which is the order Telegram reports them in.
 */
export function parseReplyMarkup(raw: unknown): ParsedMarkup | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const json = toJson(raw);
  if (!json.ok) throw badRequest("can't parse reply keyboard markup JSON object");
  const value = json.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('object expected as reply markup');
  }
  const object = value as Record<string, unknown>;

  if (object.keyboard !== undefined) {
    if (!Array.isArray(object.keyboard)) throw badRequest('field "keyboard" must be of type Array');
    for (const row of object.keyboard) {
      if (!Array.isArray(row)) throw badRequest('field "keyboard" must be an Array of Arrays');
      for (const button of row) {
        if (typeof button === 'string') continue;
        if (button === null || typeof button !== 'object') {
          throw badRequest("can't parse keyboard button: KeyboardButton must be a String or an Object");
        }
        try {
          requiredString(button as Record<string, unknown>, 'text');
        } catch (error) {
          throw badRequest(`can't parse keyboard button: ${(error as Error).message}`);
        }
      }
    }
  }

  let inline: TgInlineKeyboardButton[][] | undefined;
  let serverError: string | undefined;
  if (object.inline_keyboard !== undefined) {
    if (!Array.isArray(object.inline_keyboard))
      throw badRequest('field "inline_keyboard" must be of type Array');
    inline = [];
    for (const row of object.inline_keyboard) {
      if (!Array.isArray(row)) {
        throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
      }
      const parsedRow: TgInlineKeyboardButton[] = [];
      for (const button of row) {
        try {
          const parsed = parseInlineButton(button);
          parsedRow.push(parsed.button);
          serverError ??= parsed.serverError;
        } catch (error) {
          throw badRequest(`can't parse inline keyboard button: ${(error as Error).message}`);
        }
      }
      inline.push(parsedRow);
    }
  }

  if (Array.isArray(object.keyboard) && object.keyboard.length > 0) return { kind: 'other', markup: object };
  if (inline !== undefined && inline.length > 0) {
    const markup: TgInlineKeyboardMarkup = { inline_keyboard: inline };
    return serverError === undefined ? { kind: 'inline', markup } : { kind: 'inline', markup, serverError };
  }
  if (object.remove_keyboard === true || object.force_reply === true)
    return { kind: 'other', markup: object };
  return undefined;
}

/** A bot command as stored by setMyCommands. */
export interface BotCommand {
  command: string;
  description: string;
}

/** Validates setMyCommands' `commands` the way TDLib and Telegram's servers do. */
export function parseCommands(raw: unknown): BotCommand[] {
  if (raw === undefined || raw === '') return [];
  const json = toJson(raw);
  if (!json.ok) throw badRequest("can't parse commands JSON object");
  if (!Array.isArray(json.value)) throw badRequest('expected an Array of BotCommand');
  const commands: BotCommand[] = [];
  for (const item of json.value) {
    if (item === null || typeof item !== 'object')
      throw badRequest("can't parse BotCommand: expected an Object");
    let command: string;
    let description: string;
    try {
      command = requiredString(item as Record<string, unknown>, 'command');
      description = requiredString(item as Record<string, unknown>, 'description');
    } catch (error) {
      throw badRequest(`can't parse BotCommand: ${(error as Error).message}`);
    }
    command = command.trim();
    if (command.startsWith('/')) command = command.slice(1);
    if (command === '') throw badRequest('command must be non-empty');
    if ([...command].length > 32) throw badRequest('command length must not exceed 32');
    if (!/^[a-z0-9_]+$/.test(command)) throw badRequest('BOT_COMMAND_INVALID');
    description = description.trim();
    if (description === '') throw badRequest('command description must be non-empty');
    if ([...description].length > 256) throw badRequest('command description length must not exceed 256');
    commands.push({ command, description });
  }
  if (commands.length > 100) throw badRequest('BOT_COMMANDS_TOO_MUCH');
  return commands;
}

/** Builds the storage key of a command list from its scope and language, validating both. */
export function commandScopeKey(rawScope: unknown, rawLanguage: unknown): string {
  const language = toStr(rawLanguage) ?? '';
  if (language !== '' && !/^[a-z]{2}$/.test(language)) throw badRequest('invalid language code specified');
  if (rawScope === undefined || rawScope === '') return `default|${language}`;
  const json = toJson(rawScope);
  if (!json.ok) throw badRequest("can't parse BotCommandScope JSON object");
  const scope = json.value as Record<string, unknown> | null;
  if (scope === null || typeof scope !== 'object') {
    throw badRequest("can't parse BotCommandScope: BotCommandScope must be an Object");
  }
  const type = toStr(scope.type);
  if (type === undefined) throw badRequest(`can't parse BotCommandScope: Can't find field "type"`);
  if (['default', 'all_private_chats', 'all_group_chats', 'all_chat_administrators'].includes(type)) {
    return `${type}|${language}`;
  }
  if (!['chat', 'chat_administrators', 'chat_member'].includes(type)) {
    throw badRequest("can't parse BotCommandScope: Unsupported type specified");
  }
  const chatId = toStr(scope.chat_id);
  if (chatId === undefined) throw badRequest(`can't parse BotCommandScope: Can't find field "chat_id"`);
  if (chatId === '') throw badRequest("can't parse BotCommandScope: Empty chat_id specified");
  if (type !== 'chat_member') return `${type}:${chatId}|${language}`;
  const userId = Number(scope.user_id);
  if (!Number.isInteger(userId) || userId <= 0)
    throw badRequest("can't parse BotCommandScope: Invalid user_id specified");
  return `${type}:${chatId}:${userId}|${language}`;
}

/** Validates answerInlineQuery's `results`, returning them as sent. */
export function parseInlineResults(raw: unknown, ampersands: AmpersandPolicy): unknown[] {
  const json = toJson(raw ?? '[]');
  if (!json.ok) throw badRequest("can't parse inline query results JSON object");
  if (!Array.isArray(json.value)) throw badRequest('expected an Array of inline query results');
  const seen = new Set<string>();
  let duplicate = false;
  for (const item of json.value) {
    try {
      if (item === null || typeof item !== 'object') throw new Error('InlineQueryResult must be an Object');
      const result = item as Record<string, unknown>;
      const type = requiredString(result, 'type').toLowerCase();
      const id = requiredString(result, 'id');
      if (id === '' || Buffer.byteLength(id) > 64) throw badRequest('RESULT_ID_INVALID');
      if (seen.has(id)) duplicate = true;
      seen.add(id);
      if (type === 'article') {
        requiredString(result, 'title');
        const content = result.input_message_content;
        if (content === null || typeof content !== 'object')
          throw new Error('input_message_content not found');
      }
      const content = result.input_message_content as Record<string, unknown> | undefined;
      if (content !== undefined && content !== null && typeof content.message_text === 'string') {
        const formatted = formatText(content.message_text, content.parse_mode, content.entities, ampersands);
        if (formatted.text === '') throw badRequest('message text is empty');
        if (formatted.text.length > MAX_MESSAGE_LENGTH) throw badRequest('MESSAGE_TOO_LONG');
      }
      const markup = parseReplyMarkup(result.reply_markup);
      if (markup?.kind === 'inline' && markup.serverError !== undefined) throw badRequest(markup.serverError);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw badRequest(`can't parse inline query result: ${(error as Error).message}`);
    }
  }
  if (json.value.length > 50) throw badRequest('RESULTS_TOO_MUCH');
  if (duplicate) throw badRequest('RESULT_ID_DUPLICATE');
  return json.value;
}
