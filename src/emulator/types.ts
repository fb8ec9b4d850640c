/**
 * Public types of the Bot API emulator: the JSON shapes it exchanges with bots (kept loose on
 * purpose, so tests can read `message.text` without narrowing a union) and its own records.
 */
import type { TgMessageEntity } from './html.js';

export type { TgMessageEntity } from './html.js';

/** A Telegram user or bot, as in the Bot API's `User`. */
export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  is_premium?: true;
  can_join_groups?: boolean;
  can_read_all_group_messages?: boolean;
  supports_inline_queries?: boolean;
  can_connect_to_business?: boolean;
  has_main_web_app?: boolean;
}

/** The kinds of chat Telegram has. */
export type ChatType = 'private' | 'group' | 'supergroup' | 'channel';

/** A chat, as in the Bot API's `Chat`. */
export interface TgChat {
  id: number;
  type: ChatType;
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
  is_forum?: true;
}

/** One button of an inline keyboard, as echoed back in `Message.reply_markup`. */
export interface TgInlineKeyboardButton {
  text: string;
  callback_data?: string;
  url?: string;
  [field: string]: unknown;
}

/** An inline keyboard, the only kind of markup Telegram echoes back in a `Message`. */
export interface TgInlineKeyboardMarkup {
  inline_keyboard: TgInlineKeyboardButton[][];
}

/** A message, as in the Bot API's `Message`; fields of other message kinds pass through untyped. */
export interface TgMessage {
  message_id: number;
  date: number;
  chat: TgChat;
  from?: TgUser;
  sender_chat?: TgChat;
  text?: string;
  entities?: TgMessageEntity[];
  caption?: string;
  caption_entities?: TgMessageEntity[];
  reply_markup?: TgInlineKeyboardMarkup;
  reply_to_message?: TgMessage;
  via_bot?: TgUser;
  edit_date?: number;
  new_chat_members?: TgUser[];
  left_chat_member?: TgUser;
  [field: string]: unknown;
}

/** An update without its id, as given to `pushUpdate`; exactly one field is set. */
export interface TgUpdateInput {
  message?: TgMessage;
  edited_message?: TgMessage;
  channel_post?: TgMessage;
  edited_channel_post?: TgMessage;
  callback_query?: {
    id: string;
    from: TgUser;
    message?: TgMessage;
    inline_message_id?: string;
    chat_instance: string;
    data?: string;
  };
  inline_query?: { id: string; from: TgUser; query: string; offset: string; chat_type?: string };
  chosen_inline_result?: { result_id: string; from: TgUser; query: string; inline_message_id?: string };
  my_chat_member?: Record<string, unknown>;
  [field: string]: unknown;
}

/** An update, as in the Bot API's `Update`. */
export interface TgUpdate extends TgUpdateInput {
  update_id: number;
}

/** The body of every Bot API response. */
export type ApiResponseBody =
  | { ok: true; result: unknown; description?: string }
  | {
      ok: false;
      error_code: number;
      description: string;
      parameters?: { retry_after?: number; migrate_to_chat_id?: number };
    };

/** A bot known to the emulator. */
export interface BotInfo {
  id: number;
  token: string;
  username: string;
  firstName: string;
}

/** A bot to register: its token decides its id, exactly as on Telegram (`<id>:<secret>`). */
export interface BotSpec {
  token: string;
  username: string;
  firstName: string;
  lastName?: string;
  /** Whether the bot can be added to groups (default true). */
  canJoinGroups?: boolean;
  /** Privacy mode off (default false, i.e. privacy mode on, as BotFather creates bots). */
  canReadAllGroupMessages?: boolean;
  /** Inline mode on (default false). */
  supportsInlineQueries?: boolean;
  /** The first update_id this bot's queue hands out (default 1). */
  firstUpdateId?: number;
}

/** A bot given by id, token or username (with or without `@`). */
export type BotRef = number | string | BotInfo;

/** One API call as the emulator saw it, recorded when its response was decided. */
export interface ApiCall {
  seq: number;
  /** The canonical method name (`sendMessage` even when called as `sendmessage`). */
  method: string;
  token: string;
  bot?: BotInfo;
  params: Record<string, unknown>;
  files: { field: string; filename: string; contentType: string; size: number }[];
  /** When the request arrived (ms since the epoch, from the server clock). */
  time: number;
  durationMs: number;
  /** HTTP status sent; undefined when no response was sent (dropped, hung or aborted). */
  httpStatus?: number;
  response?: ApiResponseBody;
  /** The injected fault that shaped this call, if any. */
  fault?: Fault['type'];
  /** How the call reached the emulator. */
  via: 'http' | 'webhook-reply';
  /** The client went away before the answer (e.g. Telegraf aborting its long poll on stop()). */
  aborted?: boolean;
  /** Emulator-side notes about risky but accepted input (e.g. a bare `&` in HTML). */
  warnings?: string[];
}

/** Why an update never reached a bot. */
export type WithheldReason = 'privacy_mode' | 'allowed_updates' | 'from_bot';

/** An update Telegram would not have delivered, recorded so tests can assert the bot never saw it. */
export interface WithheldUpdate {
  bot: BotInfo;
  reason: WithheldReason;
  updateType: string;
  chatId?: number;
  messageId?: number;
  time: number;
  update: TgUpdateInput;
}

/** One attempt to POST an update to a webhook. */
export interface WebhookDelivery {
  bot: BotInfo;
  url: string;
  updateId: number;
  attempt: number;
  time: number;
  durationMs: number;
  ok: boolean;
  status?: number;
  /** Telegram's wording of the failure, as shown in getWebhookInfo.last_error_message. */
  error?: string;
  secretTokenSent: boolean;
  /** The method Telegram executed from the webhook's response body, if any. */
  replyMethod?: string;
}

/** A message refused by the "Telegram limits" mode. */
export interface FloodViolation {
  bot: BotInfo;
  method: string;
  chatId: number;
  scope: 'private_chat' | 'group_chat' | 'global';
  retryAfter: number;
  time: number;
}

/** What an injected fault does to a matching request. */
export type Fault =
  /** Answer 429 `Too Many Requests: retry after N` with `parameters.retry_after`. */
  | { type: 'flood'; retryAfter: number }
  /** Answer a 5xx; 500 in Telegram's JSON, 502/503/504 as the HTML an nginx front would send. */
  | { type: 'server-error'; status?: 500 | 502 | 503 | 504 }
  /** Destroy the socket without answering: the request was not executed. */
  | { type: 'drop' }
  /** Execute the request, then destroy the socket: the effect happened but the answer was lost. */
  | { type: 'drop-after' }
  /** Wait, then handle the request normally. */
  | { type: 'delay'; ms: number }
  /** Never answer (until the client gives up or the server closes). */
  | { type: 'hang' }
  /** Answer 403 `Forbidden: <description>` (default: bot was blocked by the user). */
  | { type: 'forbidden'; description?: string }
  /** Answer any error body. */
  | {
      type: 'error';
      errorCode: number;
      description: string;
      parameters?: { retry_after?: number; migrate_to_chat_id?: number };
    };

/** Which requests a fault applies to, and how often. */
export interface FaultRule {
  /** Method name(s), case-insensitive; omitted means every method. */
  method?: string | string[];
  /** Only requests whose chat_id equals this. */
  chatId?: number | string;
  /** Only this bot's requests. */
  bot?: BotRef;
  /** Any further condition on the request. */
  when?: (request: { method: string; params: Record<string, unknown>; bot: BotInfo }) => boolean;
  /** Let this many matching requests through first (default 0). */
  skip?: number;
  /** How many matching requests to affect (default 1; Infinity for a standing rule). */
  times?: number;
  fault: Fault;
}

/** A live fault rule. */
export interface FaultHandle {
  /** How many requests the rule has affected so far. */
  readonly hits: number;
  /** Stops the rule from affecting further requests. */
  remove(): void;
}

/** A message a bot sent, edited or deleted, as announced on the server's events. */
export interface BotMessageEvent {
  bot: BotInfo;
  chatId: number;
  message: TgMessage;
  /** The reply keyboard / remove / force_reply markup, which Telegram never echoes in Message. */
  replyKeyboard?: Record<string, unknown>;
}

/** The events the server emits. */
export interface BotApiServerEvents {
  call: [ApiCall];
  update: [{ bot: BotInfo; update: TgUpdate }];
  botMessage: [BotMessageEvent];
  botMessageEdited: [BotMessageEvent];
  messageDeleted: [{ bot: BotInfo; chatId: number; messageId: number }];
  chatAction: [{ bot: BotInfo; chatId: number; action: string }];
  callbackAnswer: [
    { bot: BotInfo; queryId: string; text?: string; showAlert: boolean; url?: string; cacheTime?: number },
  ];
  inlineAnswer: [{ bot: BotInfo; queryId: string; results: unknown[]; nextOffset?: string }];
  withheld: [WithheldUpdate];
  webhookDelivery: [WebhookDelivery];
  floodViolation: [FloodViolation];
}
