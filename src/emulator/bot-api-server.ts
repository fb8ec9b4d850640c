/**
 * A local Telegram Bot API server for tests and the terminal chat: it speaks Telegram's HTTP
 * protocol on 127.0.0.1, keeps chats, users and messages, lets tests act as users, records every
 * call, and can inject the failures and flood limits of the real service.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { detectEntities, splitCommand } from './entities.js';
import { DEFAULT_TELEGRAM_LIMITS, FloodLimiter, type TelegramLimits } from './flood.js';
import { BodyError, decodeRequest, toBool, toInt, toJson, toStr, type UploadedFile } from './request-body.js';
import type {
  ApiCall,
  ApiResponseBody,
  BotApiServerEvents,
  BotInfo,
  BotRef,
  BotSpec,
  ChatType,
  Fault,
  FaultHandle,
  FaultRule,
  FloodViolation,
  TgChat,
  TgInlineKeyboardMarkup,
  TgMessage,
  TgMessageEntity,
  TgUpdate,
  TgUpdateInput,
  TgUser,
  WebhookDelivery,
  WithheldReason,
  WithheldUpdate,
} from './types.js';
import {
  type AmpersandPolicy,
  ApiError,
  type BotCommand,
  badRequest,
  commandScopeKey,
  type FormattedText,
  formatText,
  MAX_CAPTION_LENGTH,
  MAX_MESSAGE_LENGTH,
  type ParsedMarkup,
  parseCommands,
  parseInlineResults,
  parseReplyMarkup,
} from './validation.js';

export type { TelegramLimits } from './flood.js';
export type * from './types.js';
export type { AmpersandPolicy, BotCommand } from './validation.js';
export { ApiError } from './validation.js';

/** Options of {@link createBotApiServer}. */
export interface BotApiServerOptions {
  /** Port to listen on (default 0: any free port). */
  port?: number;
  /** Bots to register right away. */
  bots?: BotSpec[];
  /** Enforce Telegram's flood limits (429 with retry_after) from the start. */
  telegramLimits?: boolean | Partial<TelegramLimits>;
  /** Clock in ms since the epoch; message dates, TTLs and flood limits use it (default Date.now). */
  clock?: () => number;
  /** How long a callback query can be answered (default 15 s). */
  callbackQueryTtlMs?: number;
  /** How long an inline query can be answered (default 10 s). */
  inlineQueryTtlMs?: number;
  /** Cap on getUpdates' timeout, in seconds (Telegram's is 50). */
  longPollMaxSeconds?: number;
  /** Webhook retries after a failed delivery: exponential from initialDelayMs up to maxDelayMs. */
  webhookRetry?: { initialDelayMs?: number; maxDelayMs?: number; maxAttempts?: number };
  /** How long a webhook may take to answer before Telegram calls it a read timeout (default 10 s). */
  webhookTimeoutMs?: number;
  /** What to do with a bare `&` in HTML: accept it like Telegram (default, with a warning) or reject it. */
  htmlAmpersands?: AmpersandPolicy;
}

/** What a user-side action delivered. */
export interface UserMessageResult {
  message: TgMessage;
  /** The bots that received the message as an update. */
  deliveredTo: BotInfo[];
  /** The bots that are in the chat but, as on Telegram, were not told (privacy mode, allowed_updates). */
  withheldFrom: BotInfo[];
  updates: TgUpdate[];
}

/** Options for a message a user sends. */
export interface UserMessageOptions {
  /** The message this one replies to. */
  replyTo?: number;
  /** Which bot a private chat is with (default: the first registered bot). */
  bot?: BotRef;
  /** Entities to use instead of the ones Telegram would detect. */
  entities?: TgMessageEntity[];
  /** Marks the message as sent via this bot's inline mode. */
  viaBot?: BotRef;
}

/** Options for waits. */
export interface WaitOptions {
  timeoutMs?: number;
  /** Only look at calls with a seq above this (see {@link BotApiServer.mark}). */
  since?: number;
}

const DEFAULT_WAIT_MS = 5000;
const MAX_BODY_BYTES = 60 * 1024 * 1024;

const KNOWN_METHODS = [
  'getUpdates',
  'setWebhook',
  'deleteWebhook',
  'getWebhookInfo',
  'getMe',
  'logOut',
  'close',
  'sendMessage',
  'forwardMessage',
  'forwardMessages',
  'copyMessage',
  'copyMessages',
  'sendPhoto',
  'sendAudio',
  'sendDocument',
  'sendVideo',
  'sendAnimation',
  'sendVoice',
  'sendVideoNote',
  'sendPaidMedia',
  'sendMediaGroup',
  'sendLocation',
  'sendVenue',
  'sendContact',
  'sendPoll',
  'sendDice',
  'sendChatAction',
  'setMessageReaction',
  'getUserProfilePhotos',
  'setUserEmojiStatus',
  'getFile',
  'banChatMember',
  'kickChatMember',
  'unbanChatMember',
  'restrictChatMember',
  'promoteChatMember',
  'setChatAdministratorCustomTitle',
  'banChatSenderChat',
  'unbanChatSenderChat',
  'setChatPermissions',
  'exportChatInviteLink',
  'createChatInviteLink',
  'editChatInviteLink',
  'createChatSubscriptionInviteLink',
  'editChatSubscriptionInviteLink',
  'revokeChatInviteLink',
  'approveChatJoinRequest',
  'declineChatJoinRequest',
  'setChatPhoto',
  'deleteChatPhoto',
  'setChatTitle',
  'setChatDescription',
  'pinChatMessage',
  'unpinChatMessage',
  'unpinAllChatMessages',
  'leaveChat',
  'getChat',
  'getChatAdministrators',
  'getChatMemberCount',
  'getChatMembersCount',
  'getChatMember',
  'setChatStickerSet',
  'deleteChatStickerSet',
  'getForumTopicIconStickers',
  'createForumTopic',
  'editForumTopic',
  'closeForumTopic',
  'reopenForumTopic',
  'deleteForumTopic',
  'unpinAllForumTopicMessages',
  'editGeneralForumTopic',
  'closeGeneralForumTopic',
  'reopenGeneralForumTopic',
  'hideGeneralForumTopic',
  'unhideGeneralForumTopic',
  'unpinAllGeneralForumTopicMessages',
  'answerCallbackQuery',
  'getUserChatBoosts',
  'getBusinessConnection',
  'setMyCommands',
  'deleteMyCommands',
  'getMyCommands',
  'setMyName',
  'getMyName',
  'setMyDescription',
  'getMyDescription',
  'setMyShortDescription',
  'getMyShortDescription',
  'setChatMenuButton',
  'getChatMenuButton',
  'setMyDefaultAdministratorRights',
  'getMyDefaultAdministratorRights',
  'editMessageText',
  'editMessageCaption',
  'editMessageMedia',
  'editMessageLiveLocation',
  'stopMessageLiveLocation',
  'editMessageReplyMarkup',
  'stopPoll',
  'deleteMessage',
  'deleteMessages',
  'sendSticker',
  'getStickerSet',
  'getCustomEmojiStickers',
  'uploadStickerFile',
  'createNewStickerSet',
  'addStickerToSet',
  'setStickerPositionInSet',
  'deleteStickerFromSet',
  'replaceStickerInSet',
  'setStickerEmojiList',
  'setStickerKeywords',
  'setStickerMaskPosition',
  'setStickerSetTitle',
  'setStickerSetThumbnail',
  'setCustomEmojiStickerSetThumbnail',
  'deleteStickerSet',
  'answerInlineQuery',
  'answerWebAppQuery',
  'savePreparedInlineMessage',
  'sendInvoice',
  'createInvoiceLink',
  'answerShippingQuery',
  'answerPreCheckoutQuery',
  'getStarTransactions',
  'refundStarPayment',
  'editUserStarSubscription',
  'setPassportDataErrors',
  'sendGame',
  'setGameScore',
  'getGameHighScores',
  'verifyUser',
  'verifyChat',
  'removeUserVerification',
  'removeChatVerification',
  'sendGift',
  'getAvailableGifts',
] as const;

const CANONICAL_METHODS = new Map<string, string>(KNOWN_METHODS.map((m) => [m.toLowerCase(), m]));

/** Every update type; the defaults leave out the three Telegram only sends on request. */
const ALL_UPDATE_TYPES = [
  'message',
  'edited_message',
  'channel_post',
  'edited_channel_post',
  'business_connection',
  'business_message',
  'edited_business_message',
  'deleted_business_messages',
  'message_reaction',
  'message_reaction_count',
  'inline_query',
  'chosen_inline_result',
  'callback_query',
  'shipping_query',
  'pre_checkout_query',
  'purchased_paid_media',
  'poll',
  'poll_answer',
  'my_chat_member',
  'chat_member',
  'chat_join_request',
  'chat_boost',
  'removed_chat_boost',
];
const DEFAULT_ALLOWED_UPDATES = new Set(
  ALL_UPDATE_TYPES.filter((t) => !['chat_member', 'message_reaction', 'message_reaction_count'].includes(t)),
);

const CHAT_ACTIONS = new Set([
  'cancel',
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'record_audio',
  'upload_voice',
  'upload_audio',
  'upload_document',
  'choose_sticker',
  'find_location',
  'pick_up_location',
  'record_video_note',
  'upload_video_note',
]);

const MEDIA_METHODS: Record<string, string> = {
  sendphoto: 'photo',
  senddocument: 'document',
  sendaudio: 'audio',
  sendvideo: 'video',
  sendanimation: 'animation',
  sendvoice: 'voice',
  sendvideonote: 'video_note',
  sendsticker: 'sticker',
};

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';
const QUERY_TOO_OLD = 'query is too old and response timeout expired or query ID is invalid';

/** Thrown by the user-side API when a test asks for something a Telegram client could not do. */
export class EmulatorError extends Error {}

/** Makes a token in Telegram's format (`<bot id>:<35 characters>`) for a bot id. */
export function generateBotToken(botId: number = randomInt(100_000_000, 999_999_999)): string {
  return `${botId}:AA${randomBytes(25).toString('base64url').slice(0, 33)}`;
}

/** Starts an emulator listening on 127.0.0.1 (port 0 by default) and resolves once it accepts connections. */
export async function createBotApiServer(options: BotApiServerOptions = {}): Promise<BotApiServer> {
  const server = new BotApiServer(options);
  await server.listen(options.port ?? 0);
  return server;
}

type MemberStatus = 'member' | 'administrator' | 'left' | 'kicked';

interface Room {
  key: string;
  chat: TgChat;
  privateBotId?: number;
  userIds: Set<number>;
  bots: Map<number, MemberStatus>;
  messages: Map<number, StoredMessage>;
  nextMessageId: number;
  lastBotSpoke?: number;
  blocked: boolean;
  chatInstance: string;
}

interface StoredMessage {
  message: TgMessage;
  senderBotId?: number;
  /** Bots the message was explicitly or implicitly meant for; replies to it reach them too. */
  addressedTo: Set<number>;
  deleted: boolean;
  replyKeyboard?: Record<string, unknown>;
}

interface QueryRecord {
  createdAt: number;
  answered: boolean;
}

interface WebhookState {
  url: string;
  secretToken: string;
  maxConnections: number;
  ipAddress: string;
  busy: boolean;
  attempt: number;
  retryTimer?: NodeJS.Timeout;
  request?: http.ClientRequest;
  stopped: boolean;
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

type Outcome = { ok: true; result: unknown; description?: string } | { ok: false; error: ApiError };

interface PendingPoll {
  limit: number;
  finish: (outcome: Outcome) => void;
  timer: NodeJS.Timeout;
}

interface BotState {
  info: BotInfo;
  user: TgUser;
  canJoinGroups: boolean;
  canReadAllGroupMessages: boolean;
  supportsInlineQueries: boolean;
  queue: TgUpdate[];
  nextUpdateId: number;
  allowedUpdates?: Set<string>;
  webhook?: WebhookState;
  poll?: PendingPoll;
  flushScheduled: boolean;
  commands: Map<string, BotCommand[]>;
  menuButtons: Map<string, unknown>;
  callbackQueries: Map<string, QueryRecord>;
  inlineQueries: Map<string, QueryRecord>;
  callbackAnswers: Map<string, { text?: string; showAlert: boolean; url?: string }>;
  inlineAnswers: Map<string, unknown[]>;
  loggedOut: boolean;
}

interface MethodContext {
  bot: BotState;
  params: Record<string, unknown>;
  files: UploadedFile[];
  signal: AbortSignal;
  call: ApiCall;
}

class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

interface FaultState {
  rule: FaultRule;
  methods?: Set<string>;
  botId?: number;
  seen: number;
  hits: number;
  removed: boolean;
}

type Handler = (ctx: MethodContext) => unknown;

const clone = <T>(value: T): T => structuredClone(value);

function updateTypeOf(update: TgUpdateInput): string {
  return Object.keys(update).find((key) => key !== 'update_id') ?? 'unknown';
}

function stripReply(message: TgMessage): TgMessage {
  const copy = clone(message);
  delete copy.reply_to_message;
  return copy;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function isValidTokenFormat(token: string): boolean {
  const colon = token.indexOf(':');
  if (token === '' || token[0] === '0' || token.length > 80 || token.includes('/') || colon === -1)
    return false;
  const id = Number(token.slice(0, colon));
  return /^\d+$/.test(token.slice(0, colon)) && Number.isSafeInteger(id) && id > 0;
}

function describeNetworkError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'Connection refused';
    case 'ECONNRESET':
      return 'Connection reset by peer';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'Failed to resolve host: Name or service not known';
    case 'ETIMEDOUT':
      return 'Read timeout expired';
    default:
      return error.message;
  }
}

/**
 * The emulator. Bots talk to it over HTTP at {@link BotApiServer.apiRoot}; tests and the terminal
 * chat act as Telegram users through its methods and observe it through its records and events.
 */
export class BotApiServer extends EventEmitter<BotApiServerEvents> {
  /** Every API call, in the order their responses were decided. */
  readonly calls: ApiCall[] = [];
  /** Updates Telegram would not have delivered, with the reason. */
  readonly withheld: WithheldUpdate[] = [];
  /** Every webhook POST attempt. */
  readonly webhookDeliveries: WebhookDelivery[] = [];
  /** Messages refused by the Telegram-limits mode. */
  readonly floodViolations: FloodViolation[] = [];
  /** Every update queued for a bot, in order. */
  readonly updates: { bot: BotInfo; update: TgUpdate; time: number }[] = [];

  private readonly httpServer: http.Server;
  private readonly clock: () => number;
  private readonly callbackTtlMs: number;
  private readonly inlineTtlMs: number;
  private readonly longPollMax: number;
  private readonly retry: { initialDelayMs: number; maxDelayMs: number; maxAttempts: number };
  private readonly webhookTimeoutMs: number;
  private readonly ampersands: AmpersandPolicy;
  private readonly bots = new Map<number, BotState>();
  private readonly botsByToken = new Map<string, BotState>();
  private readonly users = new Map<number, TgUser>();
  private readonly rooms = new Map<string, Room>();
  private readonly handlers = new Map<string, Handler>();
  private readonly faults: FaultState[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly closeListeners = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly hangingResponses = new Set<http.ServerResponse>();
  private limiter?: FloodLimiter;
  private seq = 0;
  private nextUserId = 100_000_001;
  private nextGroupSeq = 1;
  private port = 0;
  private unreachable = false;
  private closing?: Promise<void>;

  constructor(options: BotApiServerOptions = {}) {
    super();
    this.clock = options.clock ?? Date.now;
    this.callbackTtlMs = options.callbackQueryTtlMs ?? 15_000;
    this.inlineTtlMs = options.inlineQueryTtlMs ?? 10_000;
    this.longPollMax = options.longPollMaxSeconds ?? 50;
    this.retry = {
      initialDelayMs: options.webhookRetry?.initialDelayMs ?? 100,
      maxDelayMs: options.webhookRetry?.maxDelayMs ?? 5000,
      maxAttempts: options.webhookRetry?.maxAttempts ?? Number.POSITIVE_INFINITY,
    };
    this.webhookTimeoutMs = options.webhookTimeoutMs ?? 10_000;
    this.ampersands = options.htmlAmpersands ?? 'telegram';
    if (options.telegramLimits) this.setTelegramLimits(options.telegramLimits);
    for (const spec of options.bots ?? []) this.addBot(spec);
    this.registerHandlers();
    this.httpServer = http.createServer((req, res) => {
      this.handleHttp(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ ok: false, error_code: 500, description: `Internal Server Error: ${error}` }),
          );
        }
      });
    });
  }

  /** The URL to give Telegraf as `telegram.apiRoot`, e.g. `http://127.0.0.1:40123`. */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts listening; {@link createBotApiServer} calls it for you. */
  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.httpServer.once('error', reject);
      this.httpServer.listen(port, '127.0.0.1', () => {
        this.httpServer.off('error', reject);
        resolve();
      });
    });
    this.port = (this.httpServer.address() as AddressInfo).port;
  }

  /**
   * Ends pending long polls (with an empty result, as if they timed out), stops webhook
   * deliveries and timers, rejects pending waits and closes every connection.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  // ---------------------------------------------------------------- registry

  /** Registers a bot; its id is the number before the colon in its token, as on Telegram. */
  addBot(spec: BotSpec): number {
    if (!isValidTokenFormat(spec.token)) throw new EmulatorError(`invalid bot token format: ${spec.token}`);
    if (this.botsByToken.has(spec.token))
      throw new EmulatorError(`bot token already registered: ${spec.token}`);
    const username = spec.username.replace(/^@/, '');
    if ([...this.bots.values()].some((b) => b.info.username.toLowerCase() === username.toLowerCase())) {
      throw new EmulatorError(`bot username already taken: ${username}`);
    }
    const id = Number(spec.token.slice(0, spec.token.indexOf(':')));
    const user: TgUser = { id, is_bot: true, first_name: spec.firstName, username };
    if (spec.lastName !== undefined) user.last_name = spec.lastName;
    const state: BotState = {
      info: { id, token: spec.token, username, firstName: spec.firstName },
      user,
      canJoinGroups: spec.canJoinGroups ?? true,
      canReadAllGroupMessages: spec.canReadAllGroupMessages ?? false,
      supportsInlineQueries: spec.supportsInlineQueries ?? false,
      queue: [],
      nextUpdateId: spec.firstUpdateId ?? 1,
      flushScheduled: false,
      commands: new Map(),
      menuButtons: new Map(),
      callbackQueries: new Map(),
      inlineQueries: new Map(),
      callbackAnswers: new Map(),
      inlineAnswers: new Map(),
      loggedOut: false,
    };
    this.bots.set(id, state);
    this.botsByToken.set(spec.token, state);
    return id;
  }

  /** Looks a bot up by id, token or username. */
  bot(ref?: BotRef): BotInfo {
    return this.botState(ref).info;
  }

  /** Turns privacy mode on or off for a bot (BotFather's /setprivacy). */
  setPrivacyMode(bot: BotRef, enabled: boolean): void {
    this.botState(bot).canReadAllGroupMessages = !enabled;
  }

  /** Creates a Telegram user who can then write to bots. */
  createUser(
    options: {
      firstName?: string;
      lastName?: string;
      username?: string;
      languageCode?: string;
      id?: number;
    } = {},
  ): TgUser {
    const id = options.id ?? this.nextUserId++;
    if (this.users.has(id) || this.bots.has(id)) throw new EmulatorError(`user id already in use: ${id}`);
    const user: TgUser = { id, is_bot: false, first_name: options.firstName ?? `User ${id}` };
    if (options.lastName !== undefined) user.last_name = options.lastName;
    if (options.username !== undefined) user.username = options.username.replace(/^@/, '');
    if (options.languageCode !== undefined) user.language_code = options.languageCode;
    this.users.set(id, user);
    return clone(user);
  }

  /** Opens (or returns) the private chat between a user and a bot; its id is the user's id. */
  privateChat(user: TgUser | number, bot?: BotRef): TgChat {
    return clone(this.privateRoom(this.botState(bot), this.userOf(user)).chat);
  }

  /**
   * Creates a group or supergroup. Bots and users listed are members from the start, without
   * the service messages and my_chat_member updates {@link addBotToChat} produces.
   */
  createGroup(options: {
    title: string;
    type?: 'group' | 'supergroup';
    username?: string;
    members?: (TgUser | number)[];
    bots?: BotRef[];
    admins?: BotRef[];
  }): TgChat {
    const type = options.type ?? 'supergroup';
    const seq = this.nextGroupSeq++;
    const id = type === 'group' ? -(4_000_000_000 + seq) : -(1_000_000_000_000 + seq);
    const chat: TgChat = { id, type, title: options.title };
    if (options.username !== undefined) chat.username = options.username.replace(/^@/, '');
    const room = this.newRoom(`c:${id}`, chat);
    for (const member of options.members ?? []) room.userIds.add(this.userOf(member).id);
    for (const ref of options.bots ?? []) room.bots.set(this.botState(ref).info.id, 'member');
    for (const ref of options.admins ?? []) room.bots.set(this.botState(ref).info.id, 'administrator');
    return clone(chat);
  }

  /** Creates a channel; bots listed are its administrators, the only way bots sit in channels. */
  createChannel(options: { title: string; username?: string; bots?: BotRef[] }): TgChat {
    const id = -(1_000_000_000_000 + this.nextGroupSeq++);
    const chat: TgChat = { id, type: 'channel', title: options.title };
    if (options.username !== undefined) chat.username = options.username.replace(/^@/, '');
    const room = this.newRoom(`c:${id}`, chat);
    for (const ref of options.bots ?? []) room.bots.set(this.botState(ref).info.id, 'administrator');
    return clone(chat);
  }

  /** Adds a bot to a group as a user would: the bot gets my_chat_member and the new_chat_members message. */
  addBotToChat(chatId: number, bot?: BotRef, options: { by?: TgUser | number; admin?: boolean } = {}): void {
    const state = this.botState(bot);
    const room = this.groupRoom(chatId);
    if (!state.canJoinGroups && room.chat.type !== 'channel') {
      throw new EmulatorError(`@${state.info.username} can't be added to groups (canJoinGroups is false)`);
    }
    const by = options.by === undefined ? this.anyUser() : this.userOf(options.by);
    const old = room.bots.get(state.info.id) ?? 'left';
    const status: MemberStatus = options.admin || room.chat.type === 'channel' ? 'administrator' : 'member';
    room.bots.set(state.info.id, status);
    room.userIds.add(by.id);
    this.enqueue(state, { my_chat_member: this.memberChange(room, by, state, old, status) });
    if (room.chat.type !== 'channel') {
      this.postUserMessage(room, by, { new_chat_members: [clone(state.user)] }, { service: true });
    }
  }

  /** Removes a bot from a group (kicked); it gets my_chat_member, later sends fail with 403. */
  kickBot(chatId: number, bot?: BotRef, options: { by?: TgUser | number } = {}): void {
    const state = this.botState(bot);
    const room = this.groupRoom(chatId);
    const by = options.by === undefined ? this.anyUser() : this.userOf(options.by);
    const old = room.bots.get(state.info.id) ?? 'left';
    room.bots.set(state.info.id, 'kicked');
    this.enqueue(state, { my_chat_member: this.memberChange(room, by, state, old, 'kicked') });
  }

  /** Makes a bot a group admin or takes it back; admins see every message despite privacy mode. */
  setBotAdmin(chatId: number, bot: BotRef, admin: boolean): void {
    this.groupRoom(chatId).bots.set(this.botState(bot).info.id, admin ? 'administrator' : 'member');
  }

  /** The user blocks the bot: it gets my_chat_member (kicked) and later sends fail with 403. */
  blockBot(user: TgUser | number, bot?: BotRef): void {
    const state = this.botState(bot);
    const who = this.userOf(user);
    const room = this.privateRoom(state, who);
    if (room.blocked) return;
    room.blocked = true;
    this.enqueue(state, { my_chat_member: this.memberChange(room, who, state, 'member', 'kicked') });
  }

  /** The user unblocks the bot (my_chat_member back to member). */
  unblockBot(user: TgUser | number, bot?: BotRef): void {
    const state = this.botState(bot);
    const who = this.userOf(user);
    const room = this.privateRoom(state, who);
    if (!room.blocked) return;
    room.blocked = false;
    this.enqueue(state, { my_chat_member: this.memberChange(room, who, state, 'kicked', 'member') });
  }

  // ---------------------------------------------------------------- user side

  /**
   * A user sends a text message. Entities are computed as Telegram does (bot_command, mention,
   * hashtag, url, email); in groups the message reaches only the bots privacy mode lets see it.
   */
  sendText(
    chatId: number,
    from: TgUser | number,
    text: string,
    options: UserMessageOptions = {},
  ): UserMessageResult {
    if (text.trim() === '') throw new EmulatorError('Telegram clients do not send empty messages');
    const entities = options.entities ?? detectEntities(text);
    const content: Partial<TgMessage> = { text };
    if (entities.length > 0) content.entities = entities;
    return this.sendUserMessage(chatId, from, content, options);
  }

  /**
   * A user sends any kind of message (sticker, photo, location...): `content` holds the message
   * fields, e.g. `{ sticker: {...} }` or `{ photo: [...], caption: 'hi' }`.
   */
  sendUserMessage(
    chatId: number,
    from: TgUser | number,
    content: Partial<TgMessage>,
    options: UserMessageOptions = {},
  ): UserMessageResult {
    const user = this.userOf(from);
    const room = this.roomForUser(chatId, user, options.bot);
    const extra: Partial<TgMessage> = { ...content };
    if (options.viaBot !== undefined) extra.via_bot = clone(this.botState(options.viaBot).user);
    return this.postUserMessage(room, user, extra, { replyTo: options.replyTo });
  }

  /** A user edits one of their messages: bots that would see it get edited_message. */
  editUserMessage(
    chatId: number,
    messageId: number,
    text: string,
    options: { bot?: BotRef } = {},
  ): UserMessageResult {
    const room =
      chatId > 0 ? this.privateRoom(this.botState(options.bot), this.userOf(chatId)) : this.groupRoom(chatId);
    const stored = room.messages.get(messageId);
    if (stored === undefined || stored.deleted || stored.senderBotId !== undefined) {
      throw new EmulatorError(`no user message ${messageId} in chat ${chatId}`);
    }
    stored.message.text = text;
    const entities = detectEntities(text);
    if (entities.length > 0) stored.message.entities = entities;
    else delete stored.message.entities;
    stored.message.edit_date = this.unixNow();
    return this.deliver(
      room,
      stored,
      room.chat.type === 'channel' ? 'edited_channel_post' : 'edited_message',
    );
  }

  /** A user presses an inline button carrying `callbackData`; the sending bot gets a callback_query. */
  pressButton(
    chatId: number,
    messageId: number,
    callbackData: string,
    from: TgUser | number,
    options: { bot?: BotRef } = {},
  ): { queryId: string; update?: TgUpdate } {
    const user = this.userOf(from);
    const room = chatId > 0 ? this.privateRoom(this.botState(options.bot), user) : this.groupRoom(chatId);
    const stored = room.messages.get(messageId);
    if (stored === undefined || stored.deleted)
      throw new EmulatorError(`no message ${messageId} in chat ${chatId}`);
    const buttons = stored.message.reply_markup?.inline_keyboard.flat() ?? [];
    if (!buttons.some((b) => b.callback_data === callbackData)) {
      const offered = buttons.map((b) => JSON.stringify(b.callback_data ?? b.url ?? b.text)).join(', ');
      throw new EmulatorError(
        `message ${messageId} has no button with callback_data ${JSON.stringify(callbackData)}; it has [${offered}]`,
      );
    }
    const bot = this.bots.get(stored.senderBotId ?? -1);
    if (bot === undefined) throw new EmulatorError(`message ${messageId} was not sent by a bot`);
    const queryId = this.newQueryId();
    bot.callbackQueries.set(queryId, { createdAt: this.clock(), answered: false });
    const update = this.enqueue(bot, {
      callback_query: {
        id: queryId,
        from: clone(user),
        message: clone(stored.message),
        chat_instance: room.chatInstance,
        data: callbackData,
      },
    });
    return update === undefined ? { queryId } : { queryId, update };
  }

  /** A user types an inline query (`@bot query`); the bot must have inline mode on. */
  inlineQuery(
    from: TgUser | number,
    query: string,
    options: { bot?: BotRef; offset?: string; chatType?: 'sender' | ChatType } = {},
  ): { queryId: string; update?: TgUpdate } {
    const bot = this.botState(options.bot);
    if (!bot.supportsInlineQueries) {
      throw new EmulatorError(`@${bot.info.username} has inline mode off (supportsInlineQueries)`);
    }
    const queryId = this.newQueryId();
    bot.inlineQueries.set(queryId, { createdAt: this.clock(), answered: false });
    const inline: NonNullable<TgUpdate['inline_query']> = {
      id: queryId,
      from: clone(this.userOf(from)),
      query,
      offset: options.offset ?? '',
    };
    if (options.chatType !== undefined) inline.chat_type = options.chatType;
    const update = this.enqueue(bot, { inline_query: inline });
    return update === undefined ? { queryId } : { queryId, update };
  }

  /** A user picks an inline result (needs inline feedback on, which this emulator assumes). */
  chooseInlineResult(
    from: TgUser | number,
    resultId: string,
    query: string,
    options: { bot?: BotRef; inlineMessageId?: string } = {},
  ): TgUpdate | undefined {
    const chosen: NonNullable<TgUpdate['chosen_inline_result']> = {
      result_id: resultId,
      from: clone(this.userOf(from)),
      query,
    };
    if (options.inlineMessageId !== undefined) chosen.inline_message_id = options.inlineMessageId;
    return this.enqueue(this.botState(options.bot), { chosen_inline_result: chosen });
  }

  /**
   * Queues any update as is (no privacy filtering), for update kinds without a helper; message-like
   * payloads missing message_id or date get them, and are stored if their chat is known. A callback
   * or inline query with a string id can be answered, as if Telegram had issued it.
   */
  pushUpdate(update: TgUpdateInput, options: { bot?: BotRef } = {}): TgUpdate | undefined {
    const bot = this.botState(options.bot);
    const copy = clone(update);
    for (const [key, queries] of [
      ['callback_query', bot.callbackQueries],
      ['inline_query', bot.inlineQueries],
    ] as const) {
      const id = (copy[key] as { id?: unknown } | null | undefined)?.id;
      if (typeof id === 'string' && !queries.has(id))
        queries.set(id, { createdAt: this.clock(), answered: false });
    }
    for (const key of ['message', 'edited_message', 'channel_post', 'edited_channel_post'] as const) {
      const message = copy[key];
      // Malformed payloads (null, a string) go out as they are.
      if (message === undefined || message === null || typeof message !== 'object') continue;
      const room =
        message.chat?.id === undefined
          ? undefined
          : message.chat.id > 0
            ? this.rooms.get(`p:${bot.info.id}:${message.chat.id}`)
            : this.rooms.get(`c:${message.chat.id}`);
      message.date ??= this.unixNow();
      if (message.message_id === undefined) {
        message.message_id = room === undefined ? randomInt(1, 1_000_000) : room.nextMessageId++;
        if (room !== undefined && key !== 'edited_message' && key !== 'edited_channel_post') {
          room.messages.set(message.message_id, {
            message: clone(message),
            addressedTo: new Set(),
            deleted: false,
          });
        }
      }
    }
    return this.enqueue(bot, copy);
  }

  // ---------------------------------------------------------------- observation

  /** The messages of a chat (users' and bots'), oldest first, without deleted ones. */
  messagesIn(chatId: number, bot?: BotRef): TgMessage[] {
    const room = this.findRoom(chatId, bot);
    if (room === undefined) return [];
    return [...room.messages.values()].filter((m) => !m.deleted).map((m) => clone(m.message));
  }

  /** The updates a bot has not confirmed yet. */
  pendingUpdates(bot?: BotRef): TgUpdate[] {
    return clone(this.botState(bot).queue);
  }

  /** The answer a bot gave to a callback query, if any. */
  callbackAnswer(
    queryId: string,
    bot?: BotRef,
  ): { text?: string; showAlert: boolean; url?: string } | undefined {
    return clone(this.botState(bot).callbackAnswers.get(queryId));
  }

  /** The results a bot answered an inline query with, if any. */
  inlineAnswer(queryId: string, bot?: BotRef): unknown[] | undefined {
    return clone(this.botState(bot).inlineAnswers.get(queryId));
  }

  /** The commands a bot set for a scope (`{type:'default'}` by default) and language. */
  commandsOf(bot?: BotRef, scope?: Record<string, unknown>, languageCode = ''): BotCommand[] {
    return clone(this.botState(bot).commands.get(commandScopeKey(scope, languageCode)) ?? []);
  }

  /** What getWebhookInfo would answer for a bot. */
  webhookInfo(bot?: BotRef): Record<string, unknown> {
    return this.webhookInfoOf(this.botState(bot));
  }

  /** The latest webhook delivery attempt for a bot. */
  lastWebhookDelivery(bot?: BotRef): WebhookDelivery | undefined {
    const id = this.botState(bot).info.id;
    return [...this.webhookDeliveries].reverse().find((d) => d.bot.id === id);
  }

  /** The current call sequence number, to wait only for calls made after this point. */
  mark(): number {
    return this.seq;
  }

  /** Forgets recorded calls, updates, withheld updates, deliveries and violations (state stays). */
  clearRecords(): void {
    this.calls.length = 0;
    this.withheld.length = 0;
    this.webhookDeliveries.length = 0;
    this.floodViolations.length = 0;
    this.updates.length = 0;
  }

  /**
   * Resolves with the first truthy value `predicate` returns, re-checking whenever anything
   * happens in the emulator and every 10 ms; rejects after `timeoutMs`.
   */
  waitFor<T>(
    predicate: () => T | undefined | null | false,
    timeoutMs = DEFAULT_WAIT_MS,
    what = 'condition',
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const cleanup = () => {
        settled = true;
        clearTimeout(timer);
        clearInterval(poller);
        this.waiters.delete(check);
        this.closeListeners.delete(onClose);
      };
      const check = () => {
        if (settled) return;
        let value: T | undefined | null | false;
        try {
          value = predicate();
        } catch (error) {
          cleanup();
          reject(error);
          return;
        }
        if (value !== undefined && value !== null && value !== false) {
          cleanup();
          resolve(value);
        }
      };
      const onClose = () => {
        cleanup();
        reject(new EmulatorError(`emulator closed while waiting for ${what}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        const recent = this.calls
          .slice(-8)
          .map((c) => `${c.method}→${c.httpStatus ?? '-'}`)
          .join(', ');
        reject(
          new EmulatorError(`timed out after ${timeoutMs} ms waiting for ${what}; recent calls: ${recent}`),
        );
      }, timeoutMs);
      // Predicates may look at state outside the emulator (a bot's own records), so poll too.
      const poller = setInterval(check, 10);
      this.waiters.add(check);
      this.closeListeners.add(onClose);
      check();
    });
  }

  /** Resolves with the first recorded call to `method` (any case) that satisfies `predicate`. */
  waitForCall(
    method: string,
    predicate: (call: ApiCall) => boolean = () => true,
    options: number | WaitOptions = {},
  ): Promise<ApiCall> {
    const { timeoutMs = DEFAULT_WAIT_MS, since = 0 } =
      typeof options === 'number' ? { timeoutMs: options } : options;
    const name = method.toLowerCase();
    return this.waitFor(
      () => this.calls.find((c) => c.seq > since && c.method.toLowerCase() === name && predicate(c)),
      timeoutMs,
      `a ${method} call`,
    );
  }

  /**
   * Resolves with the first bot message in a chat after the latest user message at the time of
   * the call (or after message id `after`) that satisfies `predicate`.
   */
  waitForBotMessage(
    chatId: number,
    predicate: (message: TgMessage) => boolean = () => true,
    options: { timeoutMs?: number; after?: number; bot?: BotRef } = {},
  ): Promise<TgMessage> {
    const room = this.findRoom(chatId, options.bot);
    const after =
      options.after ??
      Math.max(
        0,
        ...[...(room?.messages.values() ?? [])]
          .filter((m) => m.senderBotId === undefined)
          .map((m) => m.message.message_id),
      );
    return this.waitFor(
      () => {
        const current = this.findRoom(chatId, options.bot);
        if (current === undefined) return undefined;
        for (const stored of current.messages.values()) {
          if (stored.deleted || stored.senderBotId === undefined || stored.message.message_id <= after)
            continue;
          if (predicate(stored.message)) return clone(stored.message);
        }
        return undefined;
      },
      options.timeoutMs ?? DEFAULT_WAIT_MS,
      `a bot message in chat ${chatId}`,
    );
  }

  // ---------------------------------------------------------------- faults and limits

  /** Adds a fault rule; matching requests get the fault instead of (or before) normal handling. */
  injectFault(rule: FaultRule): FaultHandle {
    const state: FaultState = { rule, seen: 0, hits: 0, removed: false };
    if (rule.method !== undefined) {
      state.methods = new Set(
        (Array.isArray(rule.method) ? rule.method : [rule.method]).map((m) => m.toLowerCase()),
      );
    }
    if (rule.bot !== undefined) state.botId = this.botState(rule.bot).info.id;
    this.faults.push(state);
    return {
      get hits() {
        return state.hits;
      },
      remove: () => {
        state.removed = true;
      },
    };
  }

  /** Removes every fault rule. */
  clearFaults(): void {
    for (const fault of this.faults) fault.removed = true;
    this.faults.length = 0;
  }

  /** Turns the Telegram-limits mode on (with optional custom limits) or off. */
  setTelegramLimits(limits: boolean | Partial<TelegramLimits>): void {
    if (limits === false) {
      this.limiter = undefined;
      return;
    }
    const merged = { ...DEFAULT_TELEGRAM_LIMITS, ...(limits === true ? {} : limits) };
    this.limiter = new FloodLimiter(merged);
  }

  /**
   * Simulates a network outage: while unreachable, the port is closed, so every connection is
   * refused (ECONNREFUSED: the request provably never arrived) and open connections, long polls
   * included, are cut. Chats, queues and records stay. Reachable again, it listens on the same port.
   */
  async setReachable(reachable: boolean): Promise<void> {
    if (this.closing !== undefined || reachable === !this.unreachable) return;
    if (!reachable) {
      this.unreachable = true;
      this.httpServer.close();
      this.httpServer.closeAllConnections();
      for (const res of this.hangingResponses) res.destroy();
      return;
    }
    await new Promise<void>((resolve, reject) => {
      this.httpServer.once('error', reject);
      this.httpServer.listen(this.port, '127.0.0.1', () => {
        this.httpServer.off('error', reject);
        resolve();
      });
    });
    this.unreachable = false;
  }

  // ---------------------------------------------------------------- HTTP

  private async handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = this.clock();
    const aborter = new AbortController();
    res.on('close', () => {
      if (!res.writableEnded) aborter.abort();
    });

    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = /^\/bot([^/]*)\/(?:test\/)?([A-Za-z0-9_]*)\/?$/.exec(url.pathname);
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch {
      this.writeJson(res, 413, { ok: false, error_code: 413, description: 'Request Entity Too Large' });
      return;
    }
    if (match === null || (match[2] ?? '') === '') {
      this.writeJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    let token = match[1] ?? '';
    try {
      token = decodeURIComponent(token);
    } catch {
      // A malformed escape leaves the token as sent; it then fails the format check.
    }
    const rawMethod = match[2] ?? '';
    const bot = this.botsByToken.get(token);
    const call: ApiCall = {
      seq: ++this.seq,
      method: CANONICAL_METHODS.get(rawMethod.toLowerCase()) ?? rawMethod,
      token,
      params: {},
      files: [],
      time: started,
      durationMs: 0,
      via: 'http',
    };
    if (bot !== undefined) call.bot = clone(bot.info);

    let decoded: { params: Record<string, unknown>; files: UploadedFile[] };
    try {
      decoded = decodeRequest(req.headers['content-type'], body, url.searchParams);
    } catch (error) {
      const description = `Bad Request: ${error instanceof BodyError ? error.message : String(error)}`;
      this.respond(res, call, { ok: false, error: new ApiError(400, description) });
      return;
    }
    call.params = decoded.params;
    call.files = decoded.files.map(({ field, filename, contentType, size }) => ({
      field,
      filename,
      contentType,
      size,
    }));

    if (!isValidTokenFormat(token)) {
      this.respond(res, call, {
        ok: false,
        error: new ApiError(401, 'Unauthorized: invalid token specified'),
      });
      return;
    }
    if (bot === undefined || bot.loggedOut) {
      this.respond(res, call, { ok: false, error: new ApiError(401, 'Unauthorized') });
      return;
    }

    const fault = this.takeFault(call.method, decoded.params, bot);
    if (fault !== undefined) {
      call.fault = fault.type;
      switch (fault.type) {
        case 'delay':
          await this.sleep(fault.ms);
          break;
        case 'drop':
          this.finishCall(call, {});
          req.socket.destroy();
          return;
        case 'hang':
          this.hangingResponses.add(res);
          res.on('close', () => this.hangingResponses.delete(res));
          this.finishCall(call, {});
          return;
        case 'flood':
          this.respond(res, call, {
            ok: false,
            error: new ApiError(429, `Too Many Requests: retry after ${fault.retryAfter}`, {
              retry_after: fault.retryAfter,
            }),
          });
          return;
        case 'forbidden':
          this.respond(res, call, {
            ok: false,
            error: new ApiError(403, `Forbidden: ${fault.description ?? 'bot was blocked by the user'}`),
          });
          return;
        case 'error': {
          const body: ApiResponseBody = {
            ok: false,
            error_code: fault.errorCode,
            description: fault.description,
          };
          if (fault.parameters !== undefined) body.parameters = fault.parameters;
          this.finishCall(call, { httpStatus: fault.errorCode, response: body });
          this.writeJson(res, fault.errorCode, body);
          return;
        }
        case 'server-error': {
          const status = fault.status ?? 500;
          const text = http.STATUS_CODES[status] ?? 'Internal Server Error';
          if (status === 500) {
            this.respond(res, call, { ok: false, error: new ApiError(500, 'Internal Server Error') });
          } else {
            this.finishCall(call, { httpStatus: status });
            res.writeHead(status, text, { 'content-type': 'text/html' });
            res.end(
              `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n`,
            );
          }
          return;
        }
        case 'drop-after':
          break;
      }
    }

    const outcome = await this.execute(bot, rawMethod, decoded, aborter.signal, call);
    if (aborter.signal.aborted) {
      call.aborted = true;
      this.finishCall(call, {});
      return;
    }
    if (fault?.type === 'drop-after') {
      this.finishCall(call, {});
      req.socket.destroy();
      return;
    }
    this.respond(res, call, outcome);
  }

  private respond(res: http.ServerResponse, call: ApiCall, outcome: Outcome): void {
    const body = this.bodyOf(outcome);
    const status = body.ok ? 200 : body.error_code;
    this.finishCall(call, { httpStatus: status, response: body });
    this.writeJson(res, status, body);
  }

  private bodyOf(outcome: Outcome): ApiResponseBody {
    if (outcome.ok) {
      return outcome.description === undefined
        ? { ok: true, result: outcome.result }
        : { ok: true, result: outcome.result, description: outcome.description };
    }
    const body: ApiResponseBody = {
      ok: false,
      error_code: outcome.error.code,
      description: outcome.error.description,
    };
    if (outcome.error.parameters !== undefined) body.parameters = outcome.error.parameters;
    return body;
  }

  private writeJson(res: http.ServerResponse, status: number, body: ApiResponseBody): void {
    if (res.writableEnded || res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private finishCall(call: ApiCall, result: { httpStatus?: number; response?: ApiResponseBody }): void {
    call.durationMs = this.clock() - call.time;
    if (result.httpStatus !== undefined) call.httpStatus = result.httpStatus;
    if (result.response !== undefined) call.response = result.response;
    this.calls.push(call);
    this.emit('call', call);
    this.notify();
  }

  private takeFault(method: string, params: Record<string, unknown>, bot: BotState): Fault | undefined {
    for (const state of this.faults) {
      if (state.removed) continue;
      if (state.methods !== undefined && !state.methods.has(method.toLowerCase())) continue;
      if (state.botId !== undefined && state.botId !== bot.info.id) continue;
      if (state.rule.chatId !== undefined && toStr(params.chat_id) !== String(state.rule.chatId)) continue;
      if (state.rule.when !== undefined && !state.rule.when({ method, params, bot: clone(bot.info) }))
        continue;
      state.seen++;
      if (state.seen <= (state.rule.skip ?? 0)) continue;
      state.hits++;
      if (state.hits >= (state.rule.times ?? 1)) state.removed = true;
      return state.rule.fault;
    }
    return undefined;
  }

  private async execute(
    bot: BotState,
    rawMethod: string,
    decoded: { params: Record<string, unknown>; files: UploadedFile[] },
    signal: AbortSignal,
    call: ApiCall,
  ): Promise<Outcome> {
    const key = rawMethod.toLowerCase();
    const handler =
      this.handlers.get(key) ?? (MEDIA_METHODS[key] === undefined ? undefined : this.sendMedia(key));
    try {
      if (handler === undefined) {
        if (!CANONICAL_METHODS.has(key)) throw new ApiError(404, 'Not Found');
        // A real method the emulator does not model: accepted, recorded, answered with true.
        if (key.startsWith('send') || key.startsWith('copymessage') || key.startsWith('forwardmessage')) {
          const room = this.resolveChat(bot, decoded.params.chat_id, true);
          this.floodGate(bot, room, call.method);
        }
        return { ok: true, result: true };
      }
      const result = await handler({ bot, params: decoded.params, files: decoded.files, signal, call });
      if (result instanceof Described)
        return { ok: true, result: result.result, description: result.description };
      return { ok: true, result };
    } catch (error) {
      if (error instanceof ApiError) return { ok: false, error };
      const message = error instanceof Error ? error.message : String(error);
      addWarnings(call, [`emulator bug: ${message}`]);
      return { ok: false, error: new ApiError(500, 'Internal Server Error') };
    }
  }

  // ---------------------------------------------------------------- methods

  private registerHandlers(): void {
    const on = (method: string, handler: Handler) => this.handlers.set(method.toLowerCase(), handler);
    on('getMe', ({ bot }) => ({
      ...clone(bot.user),
      can_join_groups: bot.canJoinGroups,
      can_read_all_group_messages: bot.canReadAllGroupMessages,
      supports_inline_queries: bot.supportsInlineQueries,
      can_connect_to_business: false,
      has_main_web_app: false,
    }));
    on('logOut', ({ bot }) => {
      bot.loggedOut = true;
      this.endPoll(bot, { ok: true, result: [] });
      this.stopWebhook(bot);
      return true;
    });
    on('close', () => true);
    on('getUpdates', (ctx) => this.getUpdates(ctx));
    on('setWebhook', (ctx) => this.setWebhook(ctx));
    on('deleteWebhook', ({ bot, params }) => {
      if (toBool(params.drop_pending_updates)) bot.queue.length = 0;
      if (bot.webhook === undefined) return new Described(true, 'Webhook is already deleted');
      this.stopWebhook(bot);
      return new Described(true, 'Webhook was deleted');
    });
    on('getWebhookInfo', ({ bot }) => this.webhookInfoOf(bot));
    on('sendMessage', (ctx) => this.sendMessage(ctx));
    on('editMessageText', (ctx) => this.editMessageText(ctx));
    on('editMessageReplyMarkup', (ctx) => this.editMessageReplyMarkup(ctx));
    on('deleteMessage', (ctx) => this.deleteMessage(ctx));
    on('sendChatAction', ({ bot, params }) => {
      const room = this.resolveChat(bot, params.chat_id, true);
      const action = (toStr(params.action) ?? '').toLowerCase();
      if (!CHAT_ACTIONS.has(action)) throw badRequest('wrong parameter action in request');
      this.emit('chatAction', { bot: clone(bot.info), chatId: room.chat.id, action });
      this.notify();
      return true;
    });
    on('answerCallbackQuery', ({ bot, params }) => {
      const id = toStr(params.callback_query_id) ?? '';
      this.consumeQuery(bot.callbackQueries, id, this.callbackTtlMs);
      const answer: { text?: string; showAlert: boolean; url?: string } = {
        showAlert: toBool(params.show_alert),
      };
      const text = toStr(params.text);
      if (text !== undefined && text !== '') answer.text = text;
      const url = toStr(params.url);
      if (url !== undefined && url !== '') answer.url = url;
      bot.callbackAnswers.set(id, answer);
      const event: BotApiServerEvents['callbackAnswer'][0] = { bot: clone(bot.info), queryId: id, ...answer };
      const cacheTime = toInt(params.cache_time);
      if (cacheTime !== undefined) event.cacheTime = cacheTime;
      this.emit('callbackAnswer', event);
      this.notify();
      return true;
    });
    on('answerInlineQuery', ({ bot, params }) => {
      const results = parseInlineResults(params.results, this.ampersands);
      const id = toStr(params.inline_query_id) ?? '';
      this.consumeQuery(bot.inlineQueries, id, this.inlineTtlMs);
      bot.inlineAnswers.set(id, results);
      const event: BotApiServerEvents['inlineAnswer'][0] = {
        bot: clone(bot.info),
        queryId: id,
        results: clone(results),
      };
      const nextOffset = toStr(params.next_offset);
      if (nextOffset !== undefined) event.nextOffset = nextOffset;
      this.emit('inlineAnswer', event);
      this.notify();
      return true;
    });
    on('setMyCommands', ({ bot, params }) => {
      const commands = parseCommands(params.commands);
      const key = commandScopeKey(params.scope, params.language_code);
      if (commands.length === 0) bot.commands.delete(key);
      else bot.commands.set(key, commands);
      return true;
    });
    on('getMyCommands', ({ bot, params }) =>
      clone(bot.commands.get(commandScopeKey(params.scope, params.language_code)) ?? []),
    );
    on('deleteMyCommands', ({ bot, params }) => {
      bot.commands.delete(commandScopeKey(params.scope, params.language_code));
      return true;
    });
    on('setChatMenuButton', ({ bot, params }) => {
      const chatKey = this.menuKey(bot, params.chat_id);
      const raw = params.menu_button;
      if (raw === undefined || raw === '') {
        bot.menuButtons.delete(chatKey);
        return true;
      }
      const json = toJson(raw);
      if (!json.ok) throw badRequest("can't parse menu button JSON object");
      const button = json.value as Record<string, unknown> | null;
      if (button === null || typeof button !== 'object') {
        throw badRequest("can't parse menu button: MenuButton must be an Object");
      }
      const type = toStr(button.type);
      if (type === undefined) throw badRequest(`can't parse menu button: Can't find field "type"`);
      if (!['default', 'commands', 'web_app'].includes(type)) {
        throw badRequest("can't parse menu button: MenuButton has unsupported type");
      }
      if (type === 'default') bot.menuButtons.delete(chatKey);
      else bot.menuButtons.set(chatKey, clone(button));
      return true;
    });
    on('getChatMenuButton', ({ bot, params }) =>
      clone(bot.menuButtons.get(this.menuKey(bot, params.chat_id)) ?? { type: 'default' }),
    );
    on('getChat', ({ bot, params }) => {
      const room = this.resolveChat(bot, params.chat_id, false);
      return { ...clone(room.chat), accent_color_id: 0, max_reaction_count: 11 };
    });
    on('getChatMember', ({ bot, params }) => {
      const room = this.resolveChat(bot, params.chat_id, false);
      const userId = toInt(params.user_id);
      if (userId === undefined) throw badRequest('user_id is empty');
      const member = this.bots.get(userId);
      if (member !== undefined) {
        const status = room.chat.type === 'private' ? 'member' : (room.bots.get(userId) ?? 'left');
        return { user: clone(member.user), status };
      }
      const user = this.users.get(userId);
      if (user === undefined) throw badRequest('user not found');
      const status = room.chat.type === 'private' || room.userIds.has(userId) ? 'member' : 'left';
      return { user: clone(user), status };
    });
    on('leaveChat', ({ bot, params }) => {
      const room = this.resolveChat(bot, params.chat_id, false);
      if (room.chat.type === 'private')
        throw badRequest("chat member status can't be changed in private chats");
      const old = room.bots.get(bot.info.id) ?? 'member';
      room.bots.set(bot.info.id, 'left');
      this.enqueue(bot, { my_chat_member: this.memberChange(room, bot.user, bot, old, 'left') });
      return true;
    });
  }

  private getUpdates({ bot, params, signal }: MethodContext): unknown {
    if (bot.webhook !== undefined) {
      throw new ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    const offset = toInt(params.offset) ?? 0;
    const limit = Math.min(100, Math.max(1, toInt(params.limit) ?? 100));
    const timeout = Math.min(this.longPollMax, Math.max(0, toInt(params.timeout) ?? 0));
    this.updateAllowedUpdates(bot, params.allowed_updates);

    if (offset < 0) {
      bot.queue.splice(0, Math.max(0, bot.queue.length + offset));
    } else if (offset > 0 && offset <= bot.nextUpdateId + 10) {
      // An offset confirms every update before it; one far in the future is ignored, as TQueue does.
      const keep = bot.queue.findIndex((u) => u.update_id >= offset);
      bot.queue.splice(0, keep === -1 ? bot.queue.length : keep);
    }

    this.notify();
    const ready = bot.queue.slice(0, limit);
    if (timeout === 0 || ready.length > 0 || this.closing !== undefined) return clone(ready);

    // Only a request that is going to wait terminates the previous long poll, as on Telegram.
    this.endPoll(bot, {
      ok: false,
      error: new ApiError(
        409,
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      ),
    });
    return new Promise<unknown>((resolve, reject) => {
      const poll: PendingPoll = {
        limit,
        finish: (outcome) => {
          clearTimeout(poll.timer);
          signal.removeEventListener('abort', onAbort);
          if (bot.poll === poll) bot.poll = undefined;
          if (outcome.ok) resolve(outcome.result);
          else reject(outcome.error);
        },
        timer: setTimeout(
          () => poll.finish({ ok: true, result: clone(bot.queue.slice(0, limit)) }),
          timeout * 1000,
        ),
      };
      const onAbort = () => poll.finish({ ok: true, result: [] });
      signal.addEventListener('abort', onAbort);
      bot.poll = poll;
    });
  }

  private endPoll(bot: BotState, outcome: Outcome): void {
    bot.poll?.finish(outcome);
  }

  private setWebhook({ bot, params }: MethodContext): unknown {
    const url = toStr(params.url) ?? '';
    const drop = toBool(params.drop_pending_updates);
    if (url === '') {
      if (drop) bot.queue.length = 0;
      if (bot.webhook === undefined) return new Described(true, 'Webhook is already deleted');
      this.stopWebhook(bot);
      return new Described(true, 'Webhook was deleted');
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest('invalid webhook URL specified');
    }
    if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hostname === '') {
      throw badRequest('invalid webhook URL specified');
    }
    const secretToken = toStr(params.secret_token) ?? '';
    if (secretToken.length > 256) throw badRequest('secret token is too long');
    if (!/^[A-Za-z0-9_-]*$/.test(secretToken)) throw badRequest('secret token contains unallowed characters');
    const maxConnections = Math.min(100, Math.max(1, toInt(params.max_connections) ?? 40));
    const ipAddress = toStr(params.ip_address) ?? '';

    const current = bot.webhook;
    if (
      current !== undefined &&
      current.url === url &&
      current.secretToken === secretToken &&
      current.maxConnections === maxConnections &&
      !drop
    ) {
      this.updateAllowedUpdates(bot, params.allowed_updates);
      return new Described(true, 'Webhook is already set');
    }
    this.endPoll(bot, { ok: false, error: new ApiError(409, 'Conflict: terminated by setWebhook request') });
    this.stopWebhook(bot);
    if (drop) bot.queue.length = 0;
    this.updateAllowedUpdates(bot, params.allowed_updates);
    bot.webhook = { url, secretToken, maxConnections, ipAddress, busy: false, attempt: 0, stopped: false };
    this.pumpWebhook(bot);
    return new Described(true, 'Webhook was set');
  }

  private webhookInfoOf(bot: BotState): Record<string, unknown> {
    const hook = bot.webhook;
    const info: Record<string, unknown> = {
      url: hook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: bot.queue.length,
    };
    if (hook === undefined) return info;
    if (hook.ipAddress !== '') info.ip_address = hook.ipAddress;
    if (hook.lastErrorDate !== undefined) {
      info.last_error_date = hook.lastErrorDate;
      info.last_error_message = hook.lastErrorMessage;
    }
    info.max_connections = hook.maxConnections;
    if (bot.allowedUpdates !== undefined) info.allowed_updates = [...bot.allowedUpdates];
    return info;
  }

  private sendMessage({ bot, params, call }: MethodContext): unknown {
    const raw = toStr(params.text);
    if (raw === undefined || raw === '') throw badRequest('message text is empty');
    const formatted = this.format(call, raw, params.parse_mode, params.entities);
    const markup = parseReplyMarkup(params.reply_markup);
    const room = this.resolveChat(bot, params.chat_id, true);
    const replyTo = this.replyTarget(bot, room, params);
    if (formatted.text === '') throw badRequest('message text is empty');
    if (formatted.text.length > MAX_MESSAGE_LENGTH) throw badRequest('message is too long');
    if (markup?.kind === 'inline' && markup.serverError !== undefined) throw badRequest(markup.serverError);
    this.floodGate(bot, room, call.method);
    const content: Partial<TgMessage> = { text: formatted.text };
    if (formatted.entities.length > 0) content.entities = formatted.entities;
    if (params.link_preview_options !== undefined) {
      const options = toJson(params.link_preview_options);
      if (options.ok && options.value !== null && typeof options.value === 'object') {
        content.link_preview_options = options.value;
      }
    }
    return clone(this.storeBotMessage(bot, room, content, replyTo, markup).message);
  }

  private sendMedia(methodKey: string): Handler {
    const kind = MEDIA_METHODS[methodKey] ?? 'document';
    return ({ bot, params, files, call }) => {
      const source = toStr(params[kind]);
      const upload = files.find(
        (f) => f.field === kind || (source?.startsWith('attach://') === true && f.field === source.slice(9)),
      );
      if (upload === undefined && (source === undefined || source === '')) {
        throw badRequest(`there is no ${kind} in the request`);
      }
      const rawCaption = toStr(params.caption) ?? '';
      const caption =
        kind === 'sticker'
          ? undefined
          : this.format(call, rawCaption, params.parse_mode, params.caption_entities);
      const markup = parseReplyMarkup(params.reply_markup);
      const room = this.resolveChat(bot, params.chat_id, true);
      const replyTo = this.replyTarget(bot, room, params);
      if (caption !== undefined && caption.text.length > MAX_CAPTION_LENGTH) {
        throw badRequest('message caption is too long');
      }
      if (markup?.kind === 'inline' && markup.serverError !== undefined) throw badRequest(markup.serverError);
      this.floodGate(bot, room, call.method);
      const fileId = upload === undefined ? (source ?? '') : `emu-${randomBytes(12).toString('base64url')}`;
      const file: Record<string, unknown> = {
        file_id: fileId,
        file_unique_id: randomBytes(8).toString('base64url'),
      };
      if (upload !== undefined) {
        file.file_size = upload.size;
        if (kind === 'document' || kind === 'audio' || kind === 'video' || kind === 'animation') {
          file.file_name = upload.filename;
          file.mime_type = upload.contentType;
        }
      }
      const content: Partial<TgMessage> = {
        [kind]: kind === 'photo' ? [{ ...file, width: 320, height: 320 }] : file,
      };
      if (caption !== undefined && caption.text !== '') {
        content.caption = caption.text;
        if (caption.entities.length > 0) content.caption_entities = caption.entities;
      }
      return clone(this.storeBotMessage(bot, room, content, replyTo, markup).message);
    };
  }

  private editMessageText({ bot, params, call }: MethodContext): unknown {
    const raw = toStr(params.text);
    if (raw === undefined || raw === '') throw badRequest('message text is empty');
    const formatted = this.format(call, raw, params.parse_mode, params.entities);
    const markup = parseReplyMarkup(params.reply_markup);
    if (toStr(params.inline_message_id)) {
      if (formatted.text === '') throw badRequest('message text is empty');
      return true;
    }
    const room = this.resolveChat(bot, params.chat_id, true);
    const stored = this.editableMessage(bot, room, params.message_id);
    if (stored.message.text === undefined) throw badRequest('there is no text in the message to edit');
    if (formatted.text === '') throw badRequest('message text is empty');
    if (formatted.text.length > MAX_MESSAGE_LENGTH) throw badRequest('message is too long');
    if (markup?.kind === 'inline' && markup.serverError !== undefined) throw badRequest(markup.serverError);
    const newMarkup = markup?.kind === 'inline' ? markup.markup : undefined;
    const entities = formatted.entities.length > 0 ? formatted.entities : undefined;
    if (
      stored.message.text === formatted.text &&
      sameJson(stored.message.entities, entities) &&
      sameJson(stored.message.reply_markup, newMarkup)
    ) {
      throw badRequest(NOT_MODIFIED);
    }
    stored.message.text = formatted.text;
    if (entities === undefined) delete stored.message.entities;
    else stored.message.entities = entities;
    return this.applyEdit(bot, room, stored, newMarkup);
  }

  private editMessageReplyMarkup({ bot, params }: MethodContext): unknown {
    const markup = parseReplyMarkup(params.reply_markup);
    if (toStr(params.inline_message_id)) return true;
    const room = this.resolveChat(bot, params.chat_id, true);
    const stored = this.editableMessage(bot, room, params.message_id);
    if (markup?.kind === 'inline' && markup.serverError !== undefined) throw badRequest(markup.serverError);
    const newMarkup = markup?.kind === 'inline' ? markup.markup : undefined;
    if (sameJson(stored.message.reply_markup, newMarkup)) throw badRequest(NOT_MODIFIED);
    return this.applyEdit(bot, room, stored, newMarkup);
  }

  private editableMessage(bot: BotState, room: Room, rawId: unknown): StoredMessage {
    const stored = room.messages.get(toInt(rawId) ?? 0);
    if (stored === undefined || stored.deleted) throw badRequest('message to edit not found');
    if (stored.senderBotId !== bot.info.id) throw badRequest("message can't be edited");
    return stored;
  }

  private applyEdit(
    bot: BotState,
    room: Room,
    stored: StoredMessage,
    markup?: TgInlineKeyboardMarkup,
  ): TgMessage {
    // Editing without reply_markup removes the inline keyboard, exactly as on Telegram.
    if (markup === undefined) delete stored.message.reply_markup;
    else stored.message.reply_markup = clone(markup);
    stored.message.edit_date = this.unixNow();
    this.emit('botMessageEdited', {
      bot: clone(bot.info),
      chatId: room.chat.id,
      message: clone(stored.message),
    });
    this.notify();
    return clone(stored.message);
  }

  private deleteMessage({ bot, params }: MethodContext): unknown {
    const room = this.resolveChat(bot, params.chat_id, false);
    const messageId = toInt(params.message_id) ?? 0;
    const stored = room.messages.get(messageId);
    if (stored === undefined || stored.deleted) throw badRequest('message to delete not found');
    const isAdmin = room.bots.get(bot.info.id) === 'administrator';
    if (room.chat.type !== 'private' && stored.senderBotId !== bot.info.id && !isAdmin) {
      throw badRequest("message can't be deleted");
    }
    if (room.chat.type === 'private' && stored.message.date < this.unixNow() - 48 * 3600) {
      throw badRequest("message can't be deleted for everyone");
    }
    stored.deleted = true;
    this.emit('messageDeleted', { bot: clone(bot.info), chatId: room.chat.id, messageId });
    this.notify();
    return true;
  }

  private format(call: ApiCall, raw: string, parseMode: unknown, entities: unknown): FormattedText {
    const formatted = formatText(raw, parseMode, entities, this.ampersands);
    addWarnings(call, formatted.warnings);
    return formatted;
  }

  private replyTarget(bot: BotState, room: Room, params: Record<string, unknown>): StoredMessage | undefined {
    let messageId: number | undefined;
    let allowWithout = toBool(params.allow_sending_without_reply);
    let targetRoom = room;
    if (params.reply_parameters !== undefined && params.reply_parameters !== '') {
      const json = toJson(params.reply_parameters);
      if (!json.ok) throw badRequest("can't parse reply parameters JSON object");
      const value = json.value as Record<string, unknown> | null;
      if (value === null || typeof value !== 'object')
        throw badRequest('object expected as reply parameters');
      if (Object.keys(value).length === 0) return undefined;
      messageId = toInt(value.message_id);
      if (messageId === undefined)
        throw badRequest(`can't parse reply parameters: Can't find field "message_id"`);
      allowWithout = toBool(value.allow_sending_without_reply);
      if (value.chat_id !== undefined && toStr(value.chat_id) !== String(room.chat.id)) {
        targetRoom = this.resolveChat(bot, value.chat_id, false);
      }
    } else {
      messageId = toInt(params.reply_to_message_id);
    }
    if (messageId === undefined || messageId <= 0) return undefined;
    const stored = targetRoom.messages.get(messageId);
    if (stored === undefined || stored.deleted) {
      if (allowWithout) return undefined;
      throw badRequest('message to be replied not found');
    }
    return stored;
  }

  private floodGate(bot: BotState, room: Room, method: string): void {
    if (this.limiter === undefined) return;
    const verdict = this.limiter.take(bot.info.id, room.key, room.chat.type === 'private', this.clock());
    if (verdict.ok) return;
    const violation: FloodViolation = {
      bot: clone(bot.info),
      method,
      chatId: room.chat.id,
      scope: verdict.scope,
      retryAfter: verdict.retryAfter,
      time: this.clock(),
    };
    this.floodViolations.push(violation);
    this.emit('floodViolation', violation);
    throw new ApiError(429, `Too Many Requests: retry after ${verdict.retryAfter}`, {
      retry_after: verdict.retryAfter,
    });
  }

  private consumeQuery(queries: Map<string, QueryRecord>, id: string, ttlMs: number): void {
    const record = queries.get(id);
    if (record === undefined || record.answered || this.clock() - record.createdAt > ttlMs) {
      throw badRequest(QUERY_TOO_OLD);
    }
    record.answered = true;
  }

  private menuKey(bot: BotState, rawChatId: unknown): string {
    if (rawChatId === undefined || rawChatId === '') return 'default';
    const room = this.resolveChat(bot, rawChatId, false);
    if (room.chat.type !== 'private') throw badRequest('chat not found');
    return String(room.chat.id);
  }

  private updateAllowedUpdates(bot: BotState, raw: unknown): void {
    if (raw === undefined) return;
    const json = toJson(raw);
    if (!json.ok || !Array.isArray(json.value)) return;
    const types = json.value.filter(
      (t): t is string => typeof t === 'string' && ALL_UPDATE_TYPES.includes(t),
    );
    bot.allowedUpdates = types.length === 0 ? undefined : new Set(types);
  }

  // ---------------------------------------------------------------- chats and messages

  private resolveChat(bot: BotState, rawChatId: unknown, forSending: boolean): Room {
    const text = toStr(rawChatId)?.trim() ?? '';
    if (text === '') throw badRequest('chat_id is empty');
    let room: Room | undefined;
    if (text.startsWith('@')) {
      const name = text.slice(1).toLowerCase();
      room = [...this.rooms.values()].find(
        (r) => r.chat.type !== 'private' && r.chat.username?.toLowerCase() === name,
      );
    } else if (/^-?\d+$/.test(text)) {
      const id = Number(text);
      if (id > 0) {
        room = this.rooms.get(`p:${bot.info.id}:${id}`);
        if (room === undefined && this.users.has(id)) {
          throw new ApiError(403, "Forbidden: bot can't initiate conversation with a user");
        }
        if (room === undefined && this.bots.has(id))
          throw new ApiError(403, "Forbidden: bot can't send messages to bots");
      } else {
        room = this.rooms.get(`c:${id}`);
      }
    }
    if (room === undefined) throw badRequest('chat not found');
    if (room.chat.type === 'private') {
      if (forSending && room.blocked) throw new ApiError(403, 'Forbidden: bot was blocked by the user');
      return room;
    }
    const status = room.bots.get(bot.info.id);
    const kind = room.chat.type;
    if (status === 'kicked') throw new ApiError(403, `Forbidden: bot was kicked from the ${kind} chat`);
    if (status === undefined || status === 'left') {
      throw new ApiError(403, `Forbidden: bot is not a member of the ${kind} chat`);
    }
    return room;
  }

  private storeBotMessage(
    bot: BotState,
    room: Room,
    content: Partial<TgMessage>,
    replyTo: StoredMessage | undefined,
    markup: ParsedMarkup | undefined,
  ): StoredMessage {
    const message = this.newMessage(room, room.chat.type === 'channel' ? undefined : bot.user, content);
    if (replyTo !== undefined) message.reply_to_message = stripReply(replyTo.message);
    if (markup?.kind === 'inline') message.reply_markup = clone(markup.markup);
    const stored: StoredMessage = {
      message,
      senderBotId: bot.info.id,
      addressedTo: new Set(),
      deleted: false,
    };
    if (markup?.kind === 'other') stored.replyKeyboard = clone(markup.markup);
    room.messages.set(message.message_id, stored);
    if (room.chat.type !== 'private') {
      room.lastBotSpoke = bot.info.id;
      // Bots never see other bots' messages (bot-to-bot mode is not emulated).
      for (const [otherId, status] of room.bots) {
        const other = this.bots.get(otherId);
        if (other === undefined || otherId === bot.info.id || status === 'left' || status === 'kicked')
          continue;
        const type = room.chat.type === 'channel' ? 'channel_post' : 'message';
        this.recordWithheld(other, 'from_bot', { [type]: clone(message) });
      }
    }
    const event: BotApiServerEvents['botMessage'][0] = {
      bot: clone(bot.info),
      chatId: room.chat.id,
      message: clone(message),
    };
    if (stored.replyKeyboard !== undefined) event.replyKeyboard = clone(stored.replyKeyboard);
    this.emit('botMessage', event);
    this.notify();
    return stored;
  }

  // Keys in Telegram's order (message_id, from or sender_chat, chat, date, content) for readable logs.
  private newMessage(room: Room, from: TgUser | undefined, content: Partial<TgMessage>): TgMessage {
    const head: Record<string, unknown> = { message_id: room.nextMessageId++ };
    if (from === undefined) head.sender_chat = clone(room.chat);
    else head.from = clone(from);
    return { ...head, chat: clone(room.chat), date: this.unixNow(), ...clone(content) } as TgMessage;
  }

  private postUserMessage(
    room: Room,
    user: TgUser,
    content: Partial<TgMessage>,
    options: { replyTo?: number | undefined; service?: boolean },
  ): UserMessageResult {
    let replyTo: StoredMessage | undefined;
    if (options.replyTo !== undefined) {
      replyTo = room.messages.get(options.replyTo);
      if (replyTo === undefined || replyTo.deleted) {
        throw new EmulatorError(`no message ${options.replyTo} to reply to in chat ${room.chat.id}`);
      }
    }
    const message = this.newMessage(room, room.chat.type === 'channel' ? undefined : user, content);
    if (replyTo !== undefined) message.reply_to_message = stripReply(replyTo.message);
    const stored: StoredMessage = { message, addressedTo: new Set(), deleted: false };
    room.messages.set(message.message_id, stored);
    if (room.chat.type !== 'channel') room.userIds.add(user.id);
    return this.deliver(
      room,
      stored,
      room.chat.type === 'channel' ? 'channel_post' : 'message',
      options.service,
    );
  }

  /** Delivers a user's message to every bot Telegram would deliver it to, recording the others. */
  private deliver(room: Room, stored: StoredMessage, type: string, service = false): UserMessageResult {
    const result: UserMessageResult = {
      message: clone(stored.message),
      deliveredTo: [],
      withheldFrom: [],
      updates: [],
    };
    const targets: BotState[] = [];
    if (room.privateBotId !== undefined) {
      const bot = this.bots.get(room.privateBotId);
      if (bot !== undefined) targets.push(bot);
    } else {
      for (const [botId, status] of room.bots) {
        const bot = this.bots.get(botId);
        if (bot !== undefined && (status === 'member' || status === 'administrator')) targets.push(bot);
      }
    }
    for (const bot of targets) {
      const payload = { [type]: clone(stored.message) } as TgUpdateInput;
      if (!service && !this.seesGroupMessage(bot, room, stored)) {
        this.recordWithheld(bot, 'privacy_mode', payload);
        result.withheldFrom.push(clone(bot.info));
        continue;
      }
      const update = this.enqueue(bot, payload);
      if (update === undefined) {
        result.withheldFrom.push(clone(bot.info));
      } else {
        result.deliveredTo.push(clone(bot.info));
        result.updates.push(clone(update));
      }
    }
    return result;
  }

  /**
   * Privacy mode, after https://core.telegram.org/bots/features#privacy-mode: in groups a bot in
   * privacy mode gets commands meant for it (`/cmd@bot`, or a bare `/cmd` when it was the last
   * bot to speak in the group, or when no bot has spoken yet), messages sent via it, and replies
   * to messages meant for it or sent by it. Admins and bots with privacy off get everything.
   */
  private seesGroupMessage(bot: BotState, room: Room, stored: StoredMessage): boolean {
    if (room.chat.type === 'private' || room.chat.type === 'channel') return true;
    if (bot.canReadAllGroupMessages || room.bots.get(bot.info.id) === 'administrator') return true;
    const message = stored.message;
    let meantForBot = message.via_bot?.id === bot.info.id;
    const text = message.text ?? message.caption ?? '';
    const entities = message.entities ?? message.caption_entities ?? [];
    for (const entity of entities) {
      if (entity.type !== 'bot_command') continue;
      const { target } = splitCommand(text, entity);
      if (target === undefined) {
        if (room.lastBotSpoke === undefined || room.lastBotSpoke === bot.info.id) meantForBot = true;
      } else if (target.toLowerCase() === bot.info.username.toLowerCase()) {
        meantForBot = true;
      }
    }
    if (meantForBot) {
      stored.addressedTo.add(bot.info.id);
      return true;
    }
    const repliedId = message.reply_to_message?.message_id;
    if (repliedId !== undefined) {
      const replied = room.messages.get(repliedId);
      if (
        replied !== undefined &&
        (replied.senderBotId === bot.info.id || replied.addressedTo.has(bot.info.id))
      ) {
        return true;
      }
    }
    return false;
  }

  private enqueue(bot: BotState, payload: TgUpdateInput): TgUpdate | undefined {
    const type = updateTypeOf(payload);
    const allowed = bot.allowedUpdates ?? DEFAULT_ALLOWED_UPDATES;
    if (ALL_UPDATE_TYPES.includes(type) && !allowed.has(type)) {
      this.recordWithheld(bot, 'allowed_updates', payload);
      return undefined;
    }
    const update: TgUpdate = { update_id: bot.nextUpdateId++, ...clone(payload) };
    bot.queue.push(update);
    const record = { bot: clone(bot.info), update: clone(update), time: this.clock() };
    this.updates.push(record);
    this.emit('update', { bot: record.bot, update: clone(update) });
    this.wake(bot);
    this.notify();
    return update;
  }

  private recordWithheld(bot: BotState, reason: WithheldReason, payload: TgUpdateInput): void {
    const updateType = updateTypeOf(payload);
    const message = payload[updateType] as TgMessage | undefined;
    const record: WithheldUpdate = {
      bot: clone(bot.info),
      reason,
      updateType,
      time: this.clock(),
      update: clone(payload),
    };
    if (message !== undefined && typeof message === 'object' && typeof message.message_id === 'number') {
      record.messageId = message.message_id;
      if (message.chat !== undefined) record.chatId = message.chat.id;
    }
    this.withheld.push(record);
    this.emit('withheld', record);
    this.notify();
  }

  private wake(bot: BotState): void {
    if (bot.webhook !== undefined) {
      this.pumpWebhook(bot);
      return;
    }
    if (bot.poll === undefined || bot.flushScheduled) return;
    bot.flushScheduled = true;
    // Deferred by a tick so updates queued together leave in one batch, as Telegram batches them.
    setImmediate(() => {
      bot.flushScheduled = false;
      const poll = bot.poll;
      if (poll === undefined || bot.queue.length === 0) return;
      poll.finish({ ok: true, result: clone(bot.queue.slice(0, poll.limit)) });
    });
  }

  private memberChange(
    room: Room,
    by: TgUser,
    bot: BotState,
    oldStatus: MemberStatus,
    newStatus: MemberStatus,
  ): Record<string, unknown> {
    const member = (status: MemberStatus) =>
      status === 'kicked'
        ? { user: clone(bot.user), status, until_date: 0 }
        : status === 'administrator'
          ? { user: clone(bot.user), status, can_be_edited: false, is_anonymous: false }
          : { user: clone(bot.user), status };
    return {
      chat: clone(room.chat),
      from: clone(by),
      date: this.unixNow(),
      old_chat_member: member(oldStatus),
      new_chat_member: member(newStatus),
    };
  }

  private newRoom(key: string, chat: TgChat): Room {
    const room: Room = {
      key,
      chat,
      userIds: new Set(),
      bots: new Map(),
      messages: new Map(),
      nextMessageId: 1,
      blocked: false,
      chatInstance: String(randomInt(1, 2 ** 47) * (randomInt(0, 2) === 0 ? 1 : -1)),
    };
    this.rooms.set(key, room);
    return room;
  }

  private privateRoom(bot: BotState, user: TgUser): Room {
    const key = `p:${bot.info.id}:${user.id}`;
    const existing = this.rooms.get(key);
    if (existing !== undefined) return existing;
    const chat: TgChat = { id: user.id, type: 'private', first_name: user.first_name };
    if (user.last_name !== undefined) chat.last_name = user.last_name;
    if (user.username !== undefined) chat.username = user.username;
    const room = this.newRoom(key, chat);
    room.privateBotId = bot.info.id;
    room.userIds.add(user.id);
    return room;
  }

  private groupRoom(chatId: number): Room {
    const room = this.rooms.get(`c:${chatId}`);
    if (room === undefined) throw new EmulatorError(`no group or channel ${chatId}; create it first`);
    return room;
  }

  private roomForUser(chatId: number, user: TgUser, bot?: BotRef): Room {
    if (chatId > 0) {
      if (chatId !== user.id)
        throw new EmulatorError(`user ${user.id} cannot write in private chat ${chatId}`);
      const room = this.privateRoom(this.botState(bot), user);
      if (room.blocked) throw new EmulatorError(`user ${user.id} has blocked the bot; unblockBot first`);
      return room;
    }
    return this.groupRoom(chatId);
  }

  private findRoom(chatId: number, bot?: BotRef): Room | undefined {
    if (chatId > 0) {
      if (this.bots.size === 0) return undefined;
      return this.rooms.get(`p:${this.botState(bot).info.id}:${chatId}`);
    }
    return this.rooms.get(`c:${chatId}`);
  }

  private botState(ref?: BotRef): BotState {
    if (ref === undefined) {
      const first = this.bots.values().next();
      if (first.done === true) throw new EmulatorError('no bot registered; call addBot first');
      return first.value;
    }
    if (typeof ref === 'object') return this.botState(ref.id);
    if (typeof ref === 'number') {
      const bot = this.bots.get(ref);
      if (bot === undefined) throw new EmulatorError(`no bot with id ${ref}`);
      return bot;
    }
    const byToken = this.botsByToken.get(ref);
    if (byToken !== undefined) return byToken;
    const name = ref.replace(/^@/, '').toLowerCase();
    const byName = [...this.bots.values()].find((b) => b.info.username.toLowerCase() === name);
    if (byName === undefined) throw new EmulatorError(`no bot ${ref}`);
    return byName;
  }

  private userOf(ref: TgUser | number): TgUser {
    const id = typeof ref === 'number' ? ref : ref.id;
    const user = this.users.get(id);
    if (user === undefined) throw new EmulatorError(`no user ${id}; create it with createUser`);
    return user;
  }

  private anyUser(): TgUser {
    const first = this.users.values().next();
    return first.done === true ? this.userOf(this.createUser({ firstName: 'Admin' }).id) : first.value;
  }

  private newQueryId(): string {
    return `${randomInt(1, 2 ** 47)}${randomInt(0, 1_000_000).toString().padStart(6, '0')}`;
  }

  private unixNow(): number {
    return Math.floor(this.clock() / 1000);
  }

  // ---------------------------------------------------------------- webhooks

  private stopWebhook(bot: BotState): void {
    const hook = bot.webhook;
    if (hook === undefined) return;
    hook.stopped = true;
    if (hook.retryTimer !== undefined) {
      clearTimeout(hook.retryTimer);
      this.timers.delete(hook.retryTimer);
    }
    hook.request?.destroy();
    bot.webhook = undefined;
  }

  private pumpWebhook(bot: BotState): void {
    const hook = bot.webhook;
    if (hook === undefined || hook.busy || hook.retryTimer !== undefined || hook.stopped) return;
    if (this.closing !== undefined) return;
    const update = bot.queue[0];
    if (update === undefined) return;
    hook.busy = true;
    const started = this.clock();
    void this.postUpdate(hook, update).then((result) => {
      hook.request = undefined;
      if (hook.stopped) return;
      hook.busy = false;
      const delivery: WebhookDelivery = {
        bot: clone(bot.info),
        url: hook.url,
        updateId: update.update_id,
        attempt: hook.attempt + 1,
        time: started,
        durationMs: this.clock() - started,
        ok: result.ok,
        secretTokenSent: hook.secretToken !== '',
      };
      if (result.status !== undefined) delivery.status = result.status;
      if (result.error !== undefined) delivery.error = result.error;
      if (result.ok) {
        hook.attempt = 0;
        if (bot.queue[0]?.update_id === update.update_id) bot.queue.shift();
        const reply = this.webhookReply(result.body, result.contentType);
        if (reply !== undefined) {
          delivery.replyMethod = CANONICAL_METHODS.get(reply.method.toLowerCase()) ?? reply.method;
          void this.runWebhookReply(bot, reply.method, reply.params);
        }
      } else {
        hook.attempt++;
        hook.lastErrorDate = this.unixNow();
        hook.lastErrorMessage = result.error;
        if (hook.attempt >= this.retry.maxAttempts) {
          hook.attempt = 0;
          if (bot.queue[0]?.update_id === update.update_id) bot.queue.shift();
        } else {
          const delay = Math.min(this.retry.maxDelayMs, this.retry.initialDelayMs * 2 ** (hook.attempt - 1));
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            hook.retryTimer = undefined;
            this.pumpWebhook(bot);
          }, delay);
          this.timers.add(timer);
          hook.retryTimer = timer;
        }
      }
      this.webhookDeliveries.push(delivery);
      this.emit('webhookDelivery', delivery);
      this.notify();
      this.pumpWebhook(bot);
    });
  }

  private postUpdate(
    hook: WebhookState,
    update: TgUpdate,
  ): Promise<{ ok: boolean; status?: number; error?: string; body?: string; contentType?: string }> {
    return new Promise((resolve) => {
      const url = new URL(hook.url);
      const payload = JSON.stringify(update);
      const headers: Record<string, string | number> = {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
      };
      if (hook.secretToken !== '') headers['x-telegram-bot-api-secret-token'] = hook.secretToken;
      const options: https.RequestOptions = {
        method: 'POST',
        headers,
        agent: false,
        timeout: this.webhookTimeoutMs,
        rejectUnauthorized: false,
      };
      const onResponse = (res: http.IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= 1 << 20) chunks.push(chunk);
        });
        res.on('error', (error) => resolve({ ok: false, error: describeNetworkError(error) }));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const ok = status >= 200 && status < 300;
          const result: { ok: boolean; status: number; error?: string; body: string; contentType?: string } =
            {
              ok,
              status,
              body: Buffer.concat(chunks).toString('utf8'),
            };
          if (!ok)
            result.error = `Wrong response from the webhook: ${status} ${res.statusMessage ?? ''}`.trim();
          const type = res.headers['content-type'];
          if (type !== undefined) result.contentType = type;
          resolve(result);
        });
      };
      const req =
        url.protocol === 'https:'
          ? https.request(url, options, onResponse)
          : http.request(url, options, onResponse);
      req.on('timeout', () => {
        const error: NodeJS.ErrnoException = new Error('Read timeout expired');
        error.code = 'ETIMEDOUT';
        req.destroy(error);
      });
      req.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ ok: false, error: describeNetworkError(error) }),
      );
      hook.request = req;
      req.end(payload);
    });
  }

  private webhookReply(
    body: string | undefined,
    contentType: string | undefined,
  ): { method: string; params: Record<string, unknown> } | undefined {
    if (body === undefined || body === '' || !(contentType ?? '').includes('json')) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const { method, ...params } = value as Record<string, unknown>;
    return typeof method === 'string' && method !== '' ? { method, params } : undefined;
  }

  // Telegram executes a method found in a webhook response body; its result goes nowhere.
  private async runWebhookReply(
    bot: BotState,
    method: string,
    params: Record<string, unknown>,
  ): Promise<void> {
    const call: ApiCall = {
      seq: ++this.seq,
      method: CANONICAL_METHODS.get(method.toLowerCase()) ?? method,
      token: bot.info.token,
      bot: clone(bot.info),
      params,
      files: [],
      time: this.clock(),
      durationMs: 0,
      via: 'webhook-reply',
    };
    const outcome = await this.execute(
      bot,
      method,
      { params, files: [] },
      new AbortController().signal,
      call,
    );
    const body = this.bodyOf(outcome);
    this.finishCall(call, { httpStatus: body.ok ? 200 : body.error_code, response: body });
  }

  // ---------------------------------------------------------------- plumbing

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closing !== undefined) {
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.closeListeners.delete(done);
        resolve();
      }, ms);
      const done = () => {
        clearTimeout(timer);
        this.timers.delete(timer);
        resolve();
      };
      this.timers.add(timer);
      this.closeListeners.add(done);
    });
  }

  private async shutDown(): Promise<void> {
    for (const bot of this.bots.values()) {
      this.endPoll(bot, { ok: true, result: [] });
      if (bot.webhook !== undefined) {
        const hook = bot.webhook;
        hook.stopped = true;
        if (hook.retryTimer !== undefined) clearTimeout(hook.retryTimer);
        hook.request?.destroy();
      }
    }
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const listener of [...this.closeListeners]) listener();
    this.closeListeners.clear();
    for (const res of this.hangingResponses) res.destroy();
    await new Promise<void>((resolve) => {
      // Give answered long polls a moment to flush before the remaining sockets are cut.
      const force = setTimeout(() => this.httpServer.closeAllConnections(), 100);
      this.httpServer.close(() => {
        clearTimeout(force);
        resolve();
      });
      this.httpServer.closeIdleConnections();
    });
  }
}

function addWarnings(call: ApiCall, notes: string[]): void {
  if (notes.length === 0) return;
  call.warnings = [...(call.warnings ?? []), ...notes];
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
