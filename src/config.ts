import path from 'node:path';
import type { Level } from './log.js';
import proxyaddr from 'proxy-addr';
import { compileTrust } from './trust.js';

/** The voice templates: the family's call, the resident's question, the last resort's call. */
export type VoiceKind = 'alert' | 'resident' | 'last-resort' | 'drill';

export interface TencentSmsConfig {
  secretId: string;
  secretKey: string;
  region: string;
  endpoint: string;
  appId: string;
  signName: string;
  /** SMS template id per message kind: a command_type ("1", "2", ...), alert, alert-repeat, alert-ok, acknowledged, last-resort, offline or online. */
  templates: Record<string, string>;
  /** Voice calls through Tencent Cloud VMS (SendTtsVoice); null when not configured (calls then fail and are logged). */
  voice: { appId: string; templates: Record<VoiceKind, string>; endpoint: string; region: string; playTimes: number } | null;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** postgres://… to run on PostgreSQL; empty: SQLite under dataDir. */
  databaseUrl: string;
  /** Connections in the PostgreSQL pool. */
  pgPoolSize: number;
  logLevel: Level;
  trustProxy: string | false;
  corsOrigins: string[];
  /** Web Push: the VAPID subject (a mailto: or https: URL the push services may contact). */
  pushSubject: string;
  /** Web Push: the hosts a subscription's endpoint may name (a host, or .suffix for its subdomains); https only, http for loopback hosts listed. */
  pushHosts: string[];
  pushTimeoutMs: number;
  /** Who may read GET /metrics: addresses, subnets, loopback/linklocal/uniquelocal (the TCP peer's address). */
  metricsAllow: string[];
  /** Or a request with `Authorization: Bearer <token>`; empty: no token opens it. */
  metricsToken: string;
  /** HMAC key of upload grants; '' means kept in the database (PostgreSQL) or in DATA_DIR (SQLite). */
  uploadSecret: string;
  requestTimeoutSeconds: number;
  /** Nice value for every thread but the event loop's (0: leave them be); see src/threads.ts. */
  helperThreadsNice: number;
  bodyLimitBytes: number;
  uploadBodyLimitBytes: number;
  tokenIdleSeconds: number;
  tokenEnduringSeconds: number;
  tokenTouchWriteSeconds: number;
  codeTtlSeconds: number;
  captchaMaxPending: number;
  scryptLog2N: number;
  loginMaxFailures: number;
  loginFailureWindowSeconds: number;
  /** Wrong `img.validate` / `sms.validate` hashes per client address per minute. */
  guessesPerAddressPerMinute: number;
  /** Wrong hashes per minute service-wide, for each of img and sms (sms.validate without `phone`). */
  guessesGlobalPerMinute: number;
  legacyDeviceIds: boolean;
  imageMaxBytes: number;
  imageMaxPixels: number;
  /** How a fall-notice image is checked: its structure end to end, or every pixel decoded too. */
  imageCheck: 'structure' | 'decode';
  noticesPerDevicePerMinute: number;
  noticeTimezone: string;
  alertSmsCooldownSeconds: number;
  /** Seconds after an unacknowledged fall until the repeat SMS, and until the voice call (0: off). */
  alertRepeatSeconds: number;
  alertCallSeconds: number;
  /** Answers by phone (Tencent's keypress and SMS reply callbacks at /callbacks/tencent/.../<secret>): '' is off. */
  callbackSecret: string;
  /** A reply of 1 acknowledges the newest open fall its phone was sent an SMS about this recently (a drill's SMS too). */
  alertReplyWindowSeconds: number;
  /** Every camera's family is sent a drill (device.drill) this often, in days: 0 is never. */
  drillEveryDays: number;
  /** First wait before an alert the provider refused is sent again (doubling, at most three retries). */
  alertRetrySeconds: number;
  /** A camera that sent heartbeats and then nothing for this long is offline. */
  cameraOfflineSeconds: number;
  /** A fall's photo is removed this many days after the fall, once acknowledged with no step pending (0: kept forever). */
  noticeRetentionDays: number;
  /** Audit entries are removed this many days after they were written (0: kept forever). */
  auditRetentionDays: number;
  /** How long a finished data export may be downloaded (once). */
  exportLinkSeconds: number;
  sseHeartbeatSeconds: number;
  /** The `retry:` hint streams send: how long EventSource waits before reconnecting. */
  sseRetryMs: number;
  /** After SIGTERM, how long to keep answering (with /health/ready at 503) before closing the listener. */
  shutdownGraceSeconds: number;
  portraitRefererAllow: string[];
  portraitMaxSide: number;
  publicUrl: string;
  fileMaxBytes: number;
  fileGrantSeconds: number;
  wechat: { apiBase: string; appId: string; secret: string; ticketSeconds: number } | null;
  /** Stored files in an S3-compatible bucket instead of DATA_DIR (credentials: the SDK's AWS_* variables). */
  s3: { bucket: string; endpoint: string; region: string; forcePathStyle: boolean } | null;
  sms: {
    gateway: 'outbox' | 'tencent';
    phoneIntervalSeconds: number;
    phoneHourly: number;
    phoneDaily: number;
    ipHourly: number;
    ipDaily: number;
    tencent: TencentSmsConfig | null;
  };
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

/** An http(s) URL, or '' when unset. */
function url(env: Env, name: string): string {
  const raw = env[name] ?? '';
  if (raw === '') return '';
  try {
    const u = new URL(raw);
    if (u.protocol === 'http:' || u.protocol === 'https:') return raw.replace(/\/+$/, '');
  } catch {
    // reported below
  }
  throw new ConfigError(`${name}=${JSON.stringify(raw)}: expected an http:// or https:// URL`);
}

/** A key given in the environment: unset, or at least 32 characters (a short one is guessable). */
function secret(env: Record<string, string | undefined>, name: string): string {
  const raw = env[name] ?? '';
  if (raw !== '' && raw.length < 32) throw new ConfigError(`${name}: expected at least 32 characters (e.g. openssl rand -hex 32), got ${raw.length}`);
  return raw;
}

function int(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)}: expected a whole number from ${min} to ${max}`);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)}: expected one of ${allowed.join(', ')}`);
  }
  return raw as T;
}

/** The browsers' push services: Chrome's, Firefox's, Edge's and Safari's. */
const DEFAULT_PUSH_HOSTS = ['fcm.googleapis.com', '.push.services.mozilla.com', '.notify.windows.com', '.push.apple.com'];

function pushSubject(env: Env): string {
  const raw = env.PUSH_SUBJECT ?? 'mailto:ops@helpaged.invalid';
  if (!/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/.test(raw)) throw new ConfigError(`PUSH_SUBJECT=${JSON.stringify(raw)}: expected mailto:address or an https: URL`);
  return raw;
}

const list = (env: Env, name: string): string[] => (env[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean);

function bool(env: Env, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new ConfigError(`${name}=${JSON.stringify(raw)}: expected 1 or 0`);
}

function timezone(env: Env, name: string, fallback: string): string {
  const tz = env[name] || fallback;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new ConfigError(`${name}=${JSON.stringify(tz)}: not an IANA time zone`);
  }
  return tz;
}

function trustProxy(env: Env, name: string): string | false {
  const raw = env[name]?.trim();
  if (!raw) return false;
  try {
    compileTrust(raw);
  } catch (err) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)}: ${(err as Error).message}; expected true, a number of hops, or comma-separated addresses, subnets or loopback/linklocal/uniquelocal`);
  }
  return raw;
}

function addresses(env: Env, name: string, fallback: string[]): string[] {
  const values = env[name] === undefined ? fallback : list(env, name);
  try {
    proxyaddr.compile(values);
  } catch (err) {
    throw new ConfigError(`${name}=${JSON.stringify(env[name])}: ${(err as Error).message}`);
  }
  return values;
}

function required(env: Env, name: string, why: string): string {
  const raw = env[name];
  if (!raw) throw new ConfigError(`${name} is required ${why}`);
  return raw;
}

/** "1:123456,2:123457,alert:123458" -> {"1": "123456", "2": "123457", alert: "123458"}; a key is a command_type or an SMS kind. */
const SMS_KINDS = /^(\d+|alert|alert-repeat|alert-ok|next-level|acknowledged|last-resort|offline|online|pause|pause-end|summary|drill)$/;
function templates(env: Env, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of list(env, name)) {
    const [k, v] = pair.split(':').map((s) => s.trim());
    if (!k || !SMS_KINDS.test(k) || !v) {
      throw new ConfigError(`${name}: "${pair}" is not command_type:template_id, or ${SMS_KINDS.source.slice(6, -2).replaceAll('|', ', ')}:template_id`);
    }
    out[k] = v;
  }
  if (Object.keys(out).length === 0) throw new ConfigError(`${name} is required when SMS_GATEWAY=tencent`);
  return out;
}

/** TENCENT_VMS_TEMPLATES "alert:1,resident:2,last-resort:3,drill:4"; alert falls back to TENCENT_VMS_TEMPLATE_ID. */
function voiceTemplates(env: Env): Record<VoiceKind, string> {
  const out: Record<string, string> = {};
  for (const pair of list(env, 'TENCENT_VMS_TEMPLATES')) {
    const [k, v] = pair.split(':').map((s) => s.trim());
    if (!k || !/^(alert|resident|last-resort|drill)$/.test(k) || !v) throw new ConfigError(`TENCENT_VMS_TEMPLATES: "${pair}" is not alert, resident, last-resort or drill:template_id`);
    out[k] = v;
  }
  out.alert ??= required(env, 'TENCENT_VMS_TEMPLATE_ID', 'when TENCENT_VMS_APP_ID is set and TENCENT_VMS_TEMPLATES names no alert template');
  return out as Record<VoiceKind, string>;
}

function tencent(env: Env): TencentSmsConfig {
  const why = 'when SMS_GATEWAY=tencent';
  return {
    secretId: required(env, 'TENCENT_SECRET_ID', why),
    secretKey: required(env, 'TENCENT_SECRET_KEY', why),
    region: env.TENCENT_SMS_REGION || 'ap-guangzhou',
    endpoint: env.TENCENT_SMS_ENDPOINT || 'sms.tencentcloudapi.com',
    appId: required(env, 'TENCENT_SMS_APP_ID', why),
    signName: required(env, 'TENCENT_SMS_SIGN', why),
    templates: templates(env, 'TENCENT_SMS_TEMPLATES'),
    voice: env.TENCENT_VMS_APP_ID
      ? {
        appId: env.TENCENT_VMS_APP_ID,
        templates: voiceTemplates(env),
        endpoint: env.TENCENT_VMS_ENDPOINT || 'vms.tencentcloudapi.com',
        region: env.TENCENT_VMS_REGION || 'ap-guangzhou',
        playTimes: int(env, 'TENCENT_VMS_PLAY_TIMES', 2, 1, 3),
      }
      : null,
  };
}

/** The only reader of process.env. Throws ConfigError with the variable's name on a bad value. */
export function loadConfig(env: Env = process.env): Config {
  const gateway = oneOf(env, 'SMS_GATEWAY', 'outbox', ['outbox', 'tencent'] as const);
  return {
    port: int(env, 'PORT', 8888, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir: path.resolve(env.DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL ?? '',
    pgPoolSize: int(env, 'PG_POOL_SIZE', 10, 1, 200),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', ['debug', 'info', 'warn', 'error', 'silent'] as const),
    trustProxy: trustProxy(env, 'TRUST_PROXY'),
    corsOrigins: list(env, 'CORS_ORIGINS'),
    pushSubject: pushSubject(env),
    pushHosts: env.PUSH_HOSTS === undefined ? DEFAULT_PUSH_HOSTS : list(env, 'PUSH_HOSTS'),
    pushTimeoutMs: int(env, 'PUSH_TIMEOUT_MS', 5000, 100, 60_000),
    metricsAllow: addresses(env, 'METRICS_ALLOW', ['loopback']),
    metricsToken: env.METRICS_TOKEN ?? '',
    uploadSecret: secret(env, 'UPLOAD_SECRET'),
    requestTimeoutSeconds: int(env, 'REQUEST_TIMEOUT_SECONDS', 30, 1, 3600),
    helperThreadsNice: int(env, 'HELPER_THREADS_NICE', 19, 0, 19),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 64 * 1024, 1024, 16 * 1024 * 1024),
    uploadBodyLimitBytes: int(env, 'UPLOAD_BODY_LIMIT_BYTES', 16 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    tokenIdleSeconds: int(env, 'TOKEN_IDLE_SECONDS', 600, 1),
    tokenEnduringSeconds: int(env, 'TOKEN_ENDURING_SECONDS', 30 * 24 * 3600, 1),
    tokenTouchWriteSeconds: int(env, 'TOKEN_TOUCH_WRITE_SECONDS', 60, 0, 3600),
    codeTtlSeconds: int(env, 'CODE_TTL_SECONDS', 180, 1),
    captchaMaxPending: int(env, 'CAPTCHA_MAX_PENDING', 100_000, 1),
    scryptLog2N: int(env, 'PASSWORD_SCRYPT_LOG2N', 17, 10, 20),
    loginMaxFailures: int(env, 'LOGIN_MAX_FAILURES', 10, 1),
    loginFailureWindowSeconds: int(env, 'LOGIN_FAILURE_WINDOW_SECONDS', 900, 1),
    guessesPerAddressPerMinute: int(env, 'GUESSES_PER_ADDRESS_PER_MINUTE', 30, 1),
    guessesGlobalPerMinute: int(env, 'GUESSES_GLOBAL_PER_MINUTE', 60, 1),
    legacyDeviceIds: bool(env, 'LEGACY_DEVICE_IDS'),
    imageMaxBytes: int(env, 'IMAGE_MAX_BYTES', 8 * 1024 * 1024, 1024),
    imageMaxPixels: int(env, 'IMAGE_MAX_PIXELS', 40_000_000, 1),
    imageCheck: oneOf(env, 'IMAGE_CHECK', 'structure', ['structure', 'decode'] as const),
    noticesPerDevicePerMinute: int(env, 'NOTICES_PER_DEVICE_PER_MINUTE', 30, 1),
    noticeTimezone: timezone(env, 'NOTICE_TIMEZONE', 'Asia/Shanghai'),
    alertSmsCooldownSeconds: int(env, 'ALERT_SMS_COOLDOWN_SECONDS', 300, 0),
    alertRepeatSeconds: int(env, 'ALERT_REPEAT_SECONDS', 120, 0, 86400),
    alertCallSeconds: int(env, 'ALERT_CALL_SECONDS', 300, 0, 86400),
    alertRetrySeconds: int(env, 'ALERT_RETRY_SECONDS', 10, 1, 3600),
    callbackSecret: secret(env, 'PROVIDER_CALLBACK_SECRET'),
    alertReplyWindowSeconds: int(env, 'ALERT_REPLY_WINDOW_SECONDS', 3600, 60, 7 * 86400),
    drillEveryDays: int(env, 'DRILL_EVERY_DAYS', 0, 0, 365),
    cameraOfflineSeconds: int(env, 'CAMERA_OFFLINE_SECONDS', 600, 1, 30 * 86400),
    noticeRetentionDays: int(env, 'NOTICE_RETENTION_DAYS', 0, 0, 36_500),
    auditRetentionDays: int(env, 'AUDIT_RETENTION_DAYS', 400, 0, 36_500),
    exportLinkSeconds: int(env, 'EXPORT_LINK_SECONDS', 900, 60, 7 * 86400),
    sseHeartbeatSeconds: int(env, 'SSE_HEARTBEAT_SECONDS', 15, 1, 3600),
    sseRetryMs: int(env, 'SSE_RETRY_MS', 3000, 100, 600_000),
    shutdownGraceSeconds: int(env, 'SHUTDOWN_GRACE_SECONDS', 0, 0, 300),
    portraitRefererAllow: env.PORTRAIT_REFERER_ALLOW === undefined
      ? ['localhost', '127.0.0.1', 'helpaged.cn', 'www.helpaged.cn']
      : list(env, 'PORTRAIT_REFERER_ALLOW'),
    portraitMaxSide: int(env, 'PORTRAIT_MAX_SIDE', 512, 16, 4096),
    publicUrl: (env.PUBLIC_URL ?? '').replace(/\/+$/, ''),
    fileMaxBytes: int(env, 'FILE_MAX_BYTES', 256 * 1024 * 1024, 1),
    fileGrantSeconds: int(env, 'FILE_GRANT_SECONDS', 600, 10, 86400),
    s3: env.S3_BUCKET
      ? { bucket: env.S3_BUCKET, endpoint: url(env, 'S3_ENDPOINT'), region: env.S3_REGION || 'us-east-1', forcePathStyle: bool(env, 'S3_FORCE_PATH_STYLE') }
      : null,
    wechat: env.WECHAT_APP_ID
      ? {
        apiBase: (env.WECHAT_API_BASE || 'https://api.weixin.qq.com').replace(/\/+$/, ''),
        appId: env.WECHAT_APP_ID,
        secret: required(env, 'WECHAT_APP_SECRET', 'when WECHAT_APP_ID is set'),
        ticketSeconds: int(env, 'WECHAT_TICKET_SECONDS', 600, 10, 86400),
      }
      : null,
    sms: {
      gateway,
      phoneIntervalSeconds: int(env, 'SMS_PHONE_INTERVAL_SECONDS', 30, 0),
      phoneHourly: int(env, 'SMS_PHONE_HOURLY', 5, 1),
      phoneDaily: int(env, 'SMS_PHONE_DAILY', 10, 1),
      ipHourly: int(env, 'SMS_IP_HOURLY', 30, 1),
      ipDaily: int(env, 'SMS_IP_DAILY', 200, 1),
      tencent: gateway === 'tencent' ? tencent(env) : null,
    },
  };
}

/** For commands: the configuration, or null after one line on stderr naming the bad variable. */
export function loadConfigOrSay(env: Env = process.env): Config | null {
  try {
    return loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`configuration error: ${err.message}\n`);
    return null;
  }
}
