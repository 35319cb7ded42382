import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Times are integer milliseconds since the epoch throughout. */
export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
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
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [uniqueIndex('users_phone_unique').on(t.phone), uniqueIndex('users_wechat_openid_unique').on(t.wechatOpenid)]);

export const tokens = sqliteTable('tokens', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  /** sha256 of the token, hex: the token itself is never stored. */
  tokenHash: text('token_hash').notNull(),
  enduring: integer('enduring', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
  lastUsedAt: integer('last_used_at').notNull(),
  /** Absolute end of an enduring token; null for idle-expiring ones. */
  expiresAt: integer('expires_at'),
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
export const smsCodes = sqliteTable('sms_codes', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  phone: text('phone').notNull(),
  purpose: integer('purpose').notNull(),
  /** md5(code + rand), the value a client sends back as `hash`. */
  hash: text('hash').notNull(),
  ip: text('ip').notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  tries: integer('tries').notNull().default(0),
  consumedAt: integer('consumed_at'),
}, (t) => [
  index('sms_codes_phone_created').on(t.phone, t.createdAt),
  index('sms_codes_ip_created').on(t.ip, t.createdAt),
  index('sms_codes_hash').on(t.hash),
]);


export const devices = sqliteTable('devices', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** The device's token: 128 random bits as hex (or the legacy md5 form). */
  deviceId: text('device_id').notNull(),
  name: text('name').notNull(),
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: integer('created_at').notNull(),
  /** When the last fall-alert SMS for this device went out: the cool-down. */
  lastAlertAt: integer('last_alert_at'),
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
  lastSeenAt: integer('last_seen_at'),
  /** 1 once the camera was declared offline, until it is heard from again. */
  offline: integer('offline').notNull().default(0),
  /** A pause (device.pause): falls are stored and streamed but nobody is phoned until paused_until; by a bound account (phone), why. */
  pausedUntil: integer('paused_until'),
  pausedBy: text('paused_by'),
  pausedReason: text('paused_reason'),
  /** The on-call order (device.oncall): null, everyone at once; else the rota as JSON ([{phone, days, from, to}], minutes of the day). */
  oncall: text('oncall'),
  /** Seconds the person on call has before everyone is told (null: 300); the camera's own time zone (null: NOTICE_TIMEZONE). */
  nextLevelSeconds: integer('next_level_seconds'),
  timeZone: text('time_zone'),
  /** When the last drill (device.drill, or DRILL_EVERY_DAYS) was sent to its family. */
  lastDrillAt: integer('last_drill_at'),
}, (t) => [
  uniqueIndex('devices_device_id_unique').on(t.deviceId),
  index('devices_paused').on(t.pausedUntil),
  uniqueIndex('devices_name_unique').on(t.name),
  uniqueIndex('devices_sn_unique').on(t.sn),
]);

export const bindings = sqliteTable('bindings', {
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  deviceId: integer('device_id').notNull().references(() => devices.id, { onDelete: 'cascade' }),
  createdAt: integer('created_at').notNull(),
}, (t) => [primaryKey({ columns: [t.userId, t.deviceId] }), index('bindings_device').on(t.deviceId)]);

export const notices = sqliteTable('notices', {
  /** Also the Server-Sent Events id: increases with every notice. */
  id: integer('id').primaryKey({ autoIncrement: true }),
  eventId: text('event_id').notNull(),
  deviceId: integer('device_id').notNull().references(() => devices.id),
  content: text('content').notNull().default(''),
  /** 32 hex of the image's sha256: the stored file's name. */
  picName: text('pic_name').notNull(),
  imageType: text('image_type').notNull(),
  createdAt: integer('created_at').notNull(),
  /** 0 when the photo is incomplete or does not check out: stored as sent all the same. */
  photoOk: integer('photo_ok').notNull().default(1),
  /** The first bound account to open or sign it: its phone then, and when. */
  ackPhone: text('ack_phone'),
  ackAt: integer('ack_at'),
  /** console, app, call or sms (null before the column: app); by: null for family, or last_resort. */
  ackChannel: text('ack_channel'),
  ackBy: text('ack_by'),
  /** The resident's answer when asked first: calling, ok, help or no_answer, and when. */
  residentAnswer: text('resident_answer'),
  residentAt: integer('resident_at'),
  /** Alert messages (SMS, calls) the provider accepted for this fall. */
  alertsSent: integer('alerts_sent').notNull().default(0),
  /** A bound account's word on it, the last one given: fall or false_alarm, with an optional note, who (phone) and when. */
  verdict: text('verdict'),
  verdictNote: text('verdict_note'),
  verdictPhone: text('verdict_phone'),
  verdictAt: integer('verdict_at'),
  /** When the retention sweep removed the photo (NOTICE_RETENTION_DAYS); null while it is kept. */
  photoRemovedAt: integer('photo_removed_at'),
  /** The camera was paused when it fell: by whom (phone), until when, why; null otherwise. */
  pausedBy: text('paused_by'),
  pausedUntil: integer('paused_until'),
  pausedReason: text('paused_reason'),
}, (t) => [
  uniqueIndex('notices_event_id_unique').on(t.eventId),
  index('notices_device_id').on(t.deviceId, t.id),
  index('notices_retention').on(t.photoRemovedAt, t.createdAt),
  // a range's falls read from the index alone (reports, the alert chain): which camera, acknowledged when, judged how
  index('notices_report').on(t.createdAt, t.deviceId, t.ackAt, t.verdict),
  index('notices_pic_name').on(t.picName),
]);

/**
 * Photo files whose notices the retention sweep has let go of, until the files are removed: written in
 * the transaction that marks the rows, so that a crash before the removal leaves work, not a stray file.
 */
export const photoRemovals = sqliteTable('photo_removals', {
  picName: text('pic_name').primaryKey(),
  at: integer('at').notNull(),
});

/**
 * Who did what (sign-ins, sessions, password and phone changes, cameras, acknowledgements, verdicts,
 * admin actions). Append-only: rows are never updated, and they name accounts by id and masked phone
 * without keys, so that they outlive the rows they name. Removed after AUDIT_RETENTION_DAYS.
 */
export const auditLog = sqliteTable('audit_log', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: integer('at').notNull(),
  kind: text('kind').notNull(),
  /** The account that acted (null: the service itself, or an unknown caller) and how it shows: its masked phone. */
  actorId: integer('actor_id'),
  actor: text('actor').notNull(),
  /** The account acted on, when there is one, and what was acted on as shown (a masked phone, a camera, a fall). */
  targetId: integer('target_id'),
  target: text('target').notNull(),
  /** The camera concerned (its device_id), for filtering. */
  deviceId: text('device_id'),
  ip: text('ip').notNull(),
  rid: text('rid').notNull(),
  /** A small JSON object of particulars (the terminal of a sign-in, a verdict, a new role). */
  detail: text('detail'),
}, (t) => [
  index('audit_at').on(t.at),
  index('audit_actor').on(t.actorId, t.at),
  index('audit_target').on(t.targetId, t.at),
  index('audit_device').on(t.deviceId, t.at),
  index('audit_kind').on(t.kind, t.at),
]);

/** Data exports an account asked for: built in the background into a ZIP, downloadable once. */
export const dataExports = sqliteTable('data_exports', {
  id: text('id').primaryKey(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  /** pending (asked for), building (claimed by an instance at claimed_at), ready, taken (downloaded), failed. */
  state: text('state').notNull(),
  createdAt: integer('created_at').notNull(),
  claimedAt: integer('claimed_at'),
  readyAt: integer('ready_at'),
  /** sha256 of the one-time download key, hex: set when ready. */
  keyHash: text('key_hash'),
  expiresAt: integer('expires_at'),
  bytes: integer('bytes'),
}, (t) => [index('data_exports_user').on(t.userId, t.createdAt), index('data_exports_state').on(t.state, t.createdAt)]);

/** Web Push subscriptions of the console's browsers: where to push an account's falls when no page is open. */
export const pushSubscriptions = sqliteTable('push_subscriptions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  endpoint: text('endpoint').notNull(),
  /** The browser's P-256 public key and auth secret, base64url (RFC 8291). */
  p256dh: text('p256dh').notNull(),
  auth: text('auth').notNull(),
  createdAt: integer('created_at').notNull(),
}, (t) => [uniqueIndex('push_subscriptions_endpoint').on(t.endpoint), index('push_subscriptions_user').on(t.userId)]);

export const noticeReads = sqliteTable('notice_reads', {
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  noticeId: integer('notice_id').notNull().references(() => notices.id, { onDelete: 'cascade' }),
  readAt: integer('read_at').notNull(),
}, (t) => [primaryKey({ columns: [t.userId, t.noticeId] })]);

export const portraits = sqliteTable('portraits', {
  userId: integer('user_id').primaryKey().references(() => users.id, { onDelete: 'cascade' }),
  etag: text('etag').notNull(),
  bytes: integer('bytes').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Terminals (phones, browsers, mini-programs) an account has proven with an SMS code or its first login. */
export const terminals = sqliteTable('terminals', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  deviceNo: text('device_no').notNull(),
  createdAt: integer('created_at').notNull(),
}, (t) => [uniqueIndex('terminals_user_device').on(t.userId, t.deviceNo)]);

/** One-use pairing codes shown as QR codes (stored as sha256). */
export const pairingCodes = sqliteTable('pairing_codes', {
  codeHash: text('code_hash').primaryKey(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  usedAt: integer('used_at'),
});

/** Wearable samples; the key makes a re-sent sample a no-op. `ts` is in seconds. */
export const healthSamples = sqliteTable('health_samples', {
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  type: text('type').notNull(),
  ts: integer('ts').notNull(),
  /** The device_id the sample came from, '' when not given. */
  source: text('source').notNull().default(''),
  value: real('value').notNull(),
  /** The second number of two-number types (diastolic pressure). */
  value2: real('value2'),
}, (t) => [primaryKey({ columns: [t.userId, t.type, t.ts, t.source] })]);

export const upgrades = sqliteTable('upgrades', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  platform: text('platform').notNull().default(''),
  version: text('version').notNull(),
  /** File name under $DATA_DIR/dist, served at /dist/<file>. */
  file: text('file').notNull(),
  size: integer('size').notNull(),
  sha256: text('sha256').notNull(),
  description: text('description'),
  createdAt: integer('created_at').notNull(),
}, (t) => [uniqueIndex('upgrades_platform_version').on(t.platform, t.version)]);

/** Two-step uploads: a grant (file.params), then the file it admits. */
export const uploadGrants = sqliteTable('upload_grants', {
  id: text('id').primaryKey(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  module: text('module').notNull(),
  filename: text('filename').notNull(),
  size: integer('size').notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  usedAt: integer('used_at'),
});

export const files = sqliteTable('files', {
  id: text('id').primaryKey(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  module: text('module').notNull(),
  filename: text('filename').notNull(),
  size: integer('size').notNull(),
  sha256: text('sha256').notNull(),
  createdAt: integer('created_at').notNull(),
});
