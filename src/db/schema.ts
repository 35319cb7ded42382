import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

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
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [uniqueIndex('users_phone_unique').on(t.phone)]);

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

