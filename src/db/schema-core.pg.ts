import { bigint, boolean, doublePrecision, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The PostgreSQL twin of schema-core.ts: the same tables, columns, keys and indexes
 * (test/db/schema.test.ts holds them to it). Millisecond times and byte sizes are
 * bigint, booleans boolean, reals double precision, ids identity columns.
 */
export const users = pgTable('users', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  phone: text('phone').notNull(),
  passwordHash: text('password_hash').notNull(),
  name: text('name'),
  nickname: text('nickname'),
  email: text('email'),
  level: integer('level').notNull().default(1),
  role: text('role', { enum: ['user', 'admin'] }).notNull().default('user'),
  /** The WeChat mini-program openid linked to the account, if any. */
  wechatOpenid: text('wechat_openid'),
  /** Quiet hours (account.quiet), minutes after local midnight in NOTICE_TIMEZONE: SMS that are not falls wait until they end. Null: none. */
  quietFrom: integer('quiet_from'),
  quietTo: integer('quiet_to'),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
}, (t) => [uniqueIndex('users_phone_unique').on(t.phone), uniqueIndex('users_wechat_openid_unique').on(t.wechatOpenid)]);

export const tokens = pgTable('tokens', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  /** sha256 of the token, hex: the token itself is never stored. */
  tokenHash: text('token_hash').notNull(),
  enduring: boolean('enduring').notNull().default(false),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  lastUsedAt: bigint('last_used_at', { mode: 'number' }).notNull(),
  /** Absolute end of an enduring token; null for idle-expiring ones. */
  expiresAt: bigint('expires_at', { mode: 'number' }),
  /** The terminal the token was issued to, when the client named one. */
  deviceNo: text('device_no'),
  deviceName: text('device_name'),
  deviceBrand: text('device_brand'),
  deviceModel: text('device_model'),
  platId: integer('plat_id'),
}, (t) => [
  uniqueIndex('tokens_hash_unique').on(t.tokenHash),
  index('tokens_user_created').on(t.userId, t.createdAt),
]);

/** Every SMS code sent: the codes themselves and the log that rate limits count. */
export const smsCodes = pgTable('sms_codes', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  phone: text('phone').notNull(),
  purpose: integer('purpose').notNull(),
  /** md5(code + rand), the value a client sends back as `hash`. */
  hash: text('hash').notNull(),
  ip: text('ip').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
  tries: integer('tries').notNull().default(0),
  consumedAt: bigint('consumed_at', { mode: 'number' }),
}, (t) => [
  index('sms_codes_phone_created').on(t.phone, t.createdAt),
  index('sms_codes_ip_created').on(t.ip, t.createdAt),
  index('sms_codes_hash').on(t.hash),
]);


export const devices = pgTable('devices', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  /** The device's token: 128 random bits as hex (or the legacy md5 form). */
  deviceId: text('device_id').notNull(),
  name: text('name').notNull(),
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  /** When the last fall-alert SMS for this device went out: the cool-down. */
  lastAlertAt: bigint('last_alert_at', { mode: 'number' }),
  /** Serial number, for devices paired by QR code. */
  sn: text('sn'),
  model: text('model'),
  /** Escalation for this camera's falls, seconds after the fall: null is the service default, 0 off. */
  alertRepeatSeconds: integer('alert_repeat_seconds'),
  alertCallSeconds: integer('alert_call_seconds'),
  /** Asked first (the family waits up to resident_seconds), and told when nobody acknowledged in last_resort_seconds: null or 0 is off. */
  residentPhone: text('resident_phone'),
  residentSeconds: integer('resident_seconds'),
  lastResortPhone: text('last_resort_phone'),
  lastResortSeconds: integer('last_resort_seconds'),
  /** Last heartbeat (or upload after one): null for cameras that never sent a heartbeat. */
  lastSeenAt: bigint('last_seen_at', { mode: 'number' }),
  /** 1 once the camera was declared offline, until it is heard from again. */
  offline: integer('offline').notNull().default(0),
  pausedUntil: bigint('paused_until', { mode: 'number' }),
  pausedBy: text('paused_by'),
  pausedReason: text('paused_reason'),
  oncall: text('oncall'),
  nextLevelSeconds: integer('next_level_seconds'),
  timeZone: text('time_zone'),
  lastDrillAt: bigint('last_drill_at', { mode: 'number' }),
}, (t) => [
  uniqueIndex('devices_device_id_unique').on(t.deviceId),
  index('devices_paused').on(t.pausedUntil),
  uniqueIndex('devices_name_unique').on(t.name),
  uniqueIndex('devices_sn_unique').on(t.sn),
]);

export const bindings = pgTable('bindings', {
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  deviceId: integer('device_id').notNull().references(() => devices.id, { onDelete: 'cascade' }),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
}, (t) => [primaryKey({ columns: [t.userId, t.deviceId] }), index('bindings_device').on(t.deviceId)]);

export const notices = pgTable('notices', {
  /** Also the Server-Sent Events id: increases with every notice. */
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  eventId: text('event_id').notNull(),
  deviceId: integer('device_id').notNull().references(() => devices.id),
  content: text('content').notNull().default(''),
  /** 32 hex of the image's sha256: the stored file's name. */
  picName: text('pic_name').notNull(),
  imageType: text('image_type').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  /** 0 when the photo is incomplete or does not check out: stored as sent all the same. */
  photoOk: integer('photo_ok').notNull().default(1),
  /** The first bound account to open or sign it: its phone then, and when. */
  ackPhone: text('ack_phone'),
  ackAt: bigint('ack_at', { mode: 'number' }),
  /** console, app, call or sms (null before the column: app); by: null for family, or last_resort. */
  ackChannel: text('ack_channel'),
  ackBy: text('ack_by'),
  /** The resident's answer when asked first: calling, ok, help or no_answer, and when. */
  residentAnswer: text('resident_answer'),
  residentAt: bigint('resident_at', { mode: 'number' }),
  /** Alert messages (SMS, calls) the provider accepted for this fall. */
  alertsSent: integer('alerts_sent').notNull().default(0),
  /** A bound account's word on it, the last one given: fall or false_alarm, with an optional note, who (phone) and when. */
  verdict: text('verdict'),
  verdictNote: text('verdict_note'),
  verdictPhone: text('verdict_phone'),
  verdictAt: bigint('verdict_at', { mode: 'number' }),
  photoRemovedAt: bigint('photo_removed_at', { mode: 'number' }),
  pausedBy: text('paused_by'),
  pausedUntil: bigint('paused_until', { mode: 'number' }),
  pausedReason: text('paused_reason'),
}, (t) => [
  uniqueIndex('notices_event_id_unique').on(t.eventId),
  index('notices_device_id').on(t.deviceId, t.id),
  index('notices_retention').on(t.photoRemovedAt, t.createdAt),
  index('notices_report').on(t.createdAt, t.deviceId, t.ackAt, t.verdict),
  index('notices_pic_name').on(t.picName),
]);

/** See schema-core.ts. */
export const photoRemovals = pgTable('photo_removals', {
  picName: text('pic_name').primaryKey(),
  at: bigint('at', { mode: 'number' }).notNull(),
});

/** See schema-core.ts. */
export const auditLog = pgTable('audit_log', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  at: bigint('at', { mode: 'number' }).notNull(),
  kind: text('kind').notNull(),
  actorId: integer('actor_id'),
  actor: text('actor').notNull(),
  targetId: integer('target_id'),
  target: text('target').notNull(),
  deviceId: text('device_id'),
  ip: text('ip').notNull(),
  rid: text('rid').notNull(),
  detail: text('detail'),
}, (t) => [
  index('audit_at').on(t.at),
  index('audit_actor').on(t.actorId, t.at),
  index('audit_target').on(t.targetId, t.at),
  index('audit_device').on(t.deviceId, t.at),
  index('audit_kind').on(t.kind, t.at),
]);

/** See schema-core.ts. */
export const dataExports = pgTable('data_exports', {
  id: text('id').primaryKey(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  state: text('state').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  claimedAt: bigint('claimed_at', { mode: 'number' }),
  readyAt: bigint('ready_at', { mode: 'number' }),
  keyHash: text('key_hash'),
  expiresAt: bigint('expires_at', { mode: 'number' }),
  bytes: bigint('bytes', { mode: 'number' }),
}, (t) => [index('data_exports_user').on(t.userId, t.createdAt), index('data_exports_state').on(t.state, t.createdAt)]);

/** Web Push subscriptions of the console's browsers: where to push an account's falls when no page is open. */
export const pushSubscriptions = pgTable('push_subscriptions', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  endpoint: text('endpoint').notNull(),
  /** The browser's P-256 public key and auth secret, base64url (RFC 8291). */
  p256dh: text('p256dh').notNull(),
  auth: text('auth').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
}, (t) => [uniqueIndex('push_subscriptions_endpoint').on(t.endpoint), index('push_subscriptions_user').on(t.userId)]);

export const noticeReads = pgTable('notice_reads', {
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  noticeId: integer('notice_id').notNull().references(() => notices.id, { onDelete: 'cascade' }),
  readAt: bigint('read_at', { mode: 'number' }).notNull(),
}, (t) => [primaryKey({ columns: [t.userId, t.noticeId] })]);

export const portraits = pgTable('portraits', {
  userId: integer('user_id').primaryKey().references(() => users.id, { onDelete: 'cascade' }),
  etag: text('etag').notNull(),
  bytes: bigint('bytes', { mode: 'number' }).notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});

/** Terminals (phones, browsers, mini-programs) an account has proven with an SMS code or its first login. */
export const terminals = pgTable('terminals', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  deviceNo: text('device_no').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
}, (t) => [uniqueIndex('terminals_user_device').on(t.userId, t.deviceNo)]);

/** One-use pairing codes shown as QR codes (stored as sha256). */
export const pairingCodes = pgTable('pairing_codes', {
  codeHash: text('code_hash').primaryKey(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
  usedAt: bigint('used_at', { mode: 'number' }),
});

/** Wearable samples; the key makes a re-sent sample a no-op. `ts` is in seconds. */
export const healthSamples = pgTable('health_samples', {
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  type: text('type').notNull(),
  ts: bigint('ts', { mode: 'number' }).notNull(),
  /** The device_id the sample came from, '' when not given. */
  source: text('source').notNull().default(''),
  value: doublePrecision('value').notNull(),
  /** The second number of two-number types (diastolic pressure). */
  value2: doublePrecision('value2'),
}, (t) => [primaryKey({ columns: [t.userId, t.type, t.ts, t.source] })]);

export const upgrades = pgTable('upgrades', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  platform: text('platform').notNull().default(''),
  version: text('version').notNull(),
  /** File name under $DATA_DIR/dist, served at /dist/<file>. */
  file: text('file').notNull(),
  size: bigint('size', { mode: 'number' }).notNull(),
  sha256: text('sha256').notNull(),
  description: text('description'),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
}, (t) => [uniqueIndex('upgrades_platform_version').on(t.platform, t.version)]);

/** Two-step uploads: a grant (file.params), then the file it admits. */
export const uploadGrants = pgTable('upload_grants', {
  id: text('id').primaryKey(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  module: text('module').notNull(),
  filename: text('filename').notNull(),
  size: bigint('size', { mode: 'number' }).notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
  usedAt: bigint('used_at', { mode: 'number' }),
});

export const files = pgTable('files', {
  id: text('id').primaryKey(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  module: text('module').notNull(),
  filename: text('filename').notNull(),
  size: bigint('size', { mode: 'number' }).notNull(),
  sha256: text('sha256').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
});
