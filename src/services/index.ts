import path from 'node:path';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { CodeStore } from '../db/codes.js';
import type { Database, Reader } from '../db/engine.js';
import { HealthStore } from '../db/health.js';
import { PairingStore } from '../db/pairing.js';
import { PortraitStore } from '../db/portraits.js';
import { TokenStore } from '../db/tokens.js';
import { UpgradeStore } from '../db/upgrades.js';
import { UploadStore } from '../db/uploads.js';
import { DeviceStore } from '../db/devices.js';
import { NoticeStore } from '../db/notices.js';
import { TerminalStore } from '../db/terminals.js';
import { UserStore } from '../db/users.js';
import type { Logger } from '../log.js';
import { AlertStore } from '../db/alerts.js';
import { AnswerStore } from '../db/answers.js';
import { QuietStore } from '../db/quiet.js';
import { DrillStore } from '../db/drills.js';
import { Alerts, Drills, Liveness, Notifier, Pauses, PhoneAnswers, NoticeFanout, NoticeHub, NoticeIngest, NoticeLists, NoticeRecovery, NoticeView, PhotoRetention, WebPush } from './alerts/index.js';
import { PushStore } from '../db/push.js';
import { DataExports, Metrics, ReportDays } from './operations/index.js';
import { ExportStore } from '../db/exports.js';
import { ImageCaptchas, SmsCodes, Passwords, TokenService, WeChat } from './accounts/index.js';
import { BucketDir, Photos, s3Client, DurableDir, realFileOps, type FileOps, type FileStore, placeholderImages, Portraits, type Served, uploadSecret, Uploads } from './media/index.js';
import { AuditLog, Bus, MemoryLimit, SharedLimit, Throttle, type Limit } from './shared/index.js';
import { AuditStore } from '../db/audit.js';
import { AdminStore } from '../db/admin.js';
import { ReportDayStore } from '../db/report-days.js';
import { HealthData, Pairing, Upgrades } from './devices/index.js';
import { type SmsGateway, OutboxGateway, TencentGateway } from './sms/index.js';
import { ThrottleStore } from '../db/throttles.js';
import { TicketStore } from '../db/tickets.js';

/** Everything a handler may use, handed to it in its context. */
export interface Services {
  db: Database;
  /** Reads outside a transaction: `db.read`. */
  read: Reader;
  users: UserStore;
  tokens: TokenService;
  passwords: Passwords;
  codes: SmsCodes;
  captchas: ImageCaptchas;
  /** Failed password checks per phone. */
  loginFailures: Limit;
  /** Wrong `img.validate` / `sms.validate` hashes per client address. */
  guesses: Limit;
  /** Wrong `img.validate` / `sms.validate` (without phone) hashes service-wide: keys `img` and `sms`. */
  guessesGlobal: Limit;
  devices: DeviceStore;
  notices: NoticeStore;
  /** A camera's fall stored, and a family's opening, acknowledging and judging it. */
  noticeIngest: NoticeIngest;
  /** notice.get's replies, cached per account. */
  noticeLists: NoticeLists;
  /** How a stored notice is shown to clients (createtime, toPublic). */
  noticeView: NoticeView;
  /** Photos a crash or a lost bucket write left behind. */
  noticeRecovery: NoticeRecovery;
  /** Escalation of unacknowledged falls, retries, camera liveness. */
  alerts: Alerts;
  /** Heartbeats, and cameras declared offline and back online. */
  liveness: Liveness;
  /** Each camera's pause: falls stored and streamed, nobody phoned. */
  pauses: Pauses;
  /** The SMS that are not falls, held in an account's quiet hours; and those hours (account.quiet). */
  notifier: Notifier;
  quiet: QuietStore;
  /** Test messages to a camera's family, and what came back (device.drill, DRILL_EVERY_DAYS). */
  drills: Drills;
  /** device.drill per camera per minute. */
  drillLimit: Limit;
  /** Keypresses, call ends and SMS replies from the provider's callbacks. */
  answers: PhoneAnswers;
  /** Provider callbacks per source address per minute. */
  callbackLimit: Limit;
  /** Web Push to the console's browsers (VAPID keys kept in the database), the chain's first step. */
  push: WebPush;
  pushSubscriptions: PushStore;
  /** Notice uploads per device per minute. */
  noticeUploads: Limit;
  hub: NoticeHub;
  /** The shared limits' windows and the one-use tickets (swept with expired tokens). */
  throttleStore: ThrottleStore;
  tickets: TicketStore;
  /** Wake-ups between instances (LISTEN/NOTIFY on PostgreSQL). */
  bus: Bus;
  /** Where each kind of stored file lives; `shared`: in the bucket (S3_BUCKET), not under DATA_DIR. */
  files: Record<'notices' | 'photos' | 'portraits' | 'uploads' | 'dist' | 'exports', FileStore> & { shared: boolean };
  /** true from the moment the server is told to stop: /health/ready answers 503. */
  lifecycle: { draining: boolean };
  portraits: Portraits;
  placeholders: Record<'ban' | 'default' | 'error', Served>;
  gateway: SmsGateway;
  metrics: Metrics;
  terminals: TerminalStore;
  wechat: WeChat;
  pairing: Pairing;
  /** Failed device.claim attempts per client address. */
  pairingGuesses: Limit;
  health: HealthData;
  uploads: Uploads;
  upgrades: Upgrades;
  /** Who did what: one entry per audited action, written in the action's transaction. */
  audit: AuditLog;
  /** The operator's panels: one statement each, computed in the database. */
  panels: AdminStore;
  /** Fall photos as the console is served them: each variant made once, stored, then read. */
  photos: Photos;
  /** Removes photos past NOTICE_RETENTION_DAYS (run by the sweeps, one instance at a time). */
  retention: PhotoRetention;
  /** Keeps the falls report's past days built (run by the sweeps, one instance at a time). */
  reportDays: ReportDays;
  /** Data exports: ZIPs built in the background, downloaded once. */
  exports: DataExports;
}

export type { AuditKind, PublicAuditEntry } from './shared/index.js';

/** Provider callbacks taken per source address per minute: a fall to a large family answers in a few dozen. */
const CALLBACKS_PER_MINUTE = 300;

export function createGateway(config: Config, clock: Clock): SmsGateway {
  return config.sms.tencent ? new TencentGateway(config.sms.tencent) : new OutboxGateway(config.dataDir, clock);
}

export interface ServiceOptions {
  gateway: SmsGateway;
  /** Tests pick the captcha text; production draws it from the CSPRNG. */
  captchaCode?: () => string;
  /** Tests simulate a failing disk. */
  fileOps?: FileOps;
  fetch?: typeof fetch;
}

export async function createServices(config: Config, clock: Clock, log: Logger, db: Database, options: ServiceOptions): Promise<Services> {
  const bus = new Bus(db, log);
  // limits: in memory with one instance (SQLite), rows every instance counts in on PostgreSQL
  const throttleStore = new ThrottleStore(db);
  const tickets = new TicketStore(db);
  const limit = (name: string, max: number, windowSeconds: number): Limit => (db.dialect === 'postgres'
    ? new SharedLimit(db, throttleStore, clock, log, name, { max, windowSeconds })
    : new MemoryLimit(new Throttle(clock, max, windowSeconds)));
  const audit = new AuditLog(db, new AuditStore(db), clock, config.auditRetentionDays);
  const hub = new NoticeHub();
  const metrics = new Metrics(hub);
  const gateway = metrics.metered(options.gateway);
  const ops = options.fileOps ?? realFileOps;
  // stored files: folders under DATA_DIR, or prefixes of one bucket that every instance shares
  const client = config.s3 ? s3Client(config.s3) : null;
  const store = (kind: string, sharded: boolean): FileStore => (client
    ? new BucketDir(client, config.s3!.bucket, kind)
    : new DurableDir(path.join(config.dataDir, kind), ops, sharded));
  const noticeFiles = store('notices', true);
  const photoFiles = store('photos', true);
  const portraitFiles = store('portraits', true);
  const localUploads = new DurableDir(path.join(config.dataDir, 'uploads'), ops, false);
  const uploadFiles = client ? store('uploads', false) : localUploads;
  const distFiles = store('dist', false);
  const exportFiles = store('exports', false);
  await Promise.all([...new Set([noticeFiles, photoFiles, portraitFiles, localUploads, uploadFiles, distFiles, exportFiles])].map((f) => f.init()));
  const devices = new DeviceStore(db);
  const notices = new NoticeStore(db);
  const limits = { maxBytes: config.imageMaxBytes, maxPixels: config.imageMaxPixels };
  const steps = new AlertStore(db);
  const answers = new AnswerStore(db);
  const noticeView = new NoticeView(config.noticeTimezone);
  const photos = new Photos(noticeFiles, photoFiles, config.imageMaxPixels, log);
  const quiet = new QuietStore(db);
  const notifier = new Notifier(db, quiet, gateway, { clock, timeZone: config.noticeTimezone, log });
  const format = (ms: number): string => noticeView.createtime(ms);
  const alerts: Alerts = new Alerts(db, { steps, notices, devices, answers }, { gateway, bus }, { clock, config, log }, format);
  const liveness = new Liveness(db, devices, { hub, bus, notifier, track: (work) => void alerts.track(work, undefined) }, { clock, offlineSeconds: config.cameraOfflineSeconds, log }, format);
  alerts.every((now) => liveness.sweep(now));
  const noticeLists = new NoticeLists(db, notices, bus, clock, noticeView);
  const fanout = new NoticeFanout(db, { notices, devices }, hub, noticeLists, noticeView, bus);
  const noticeIngest = new NoticeIngest(db, { notices, devices, files: noticeFiles }, { fanout, lists: noticeLists, view: noticeView }, { alerts, liveness, audit, metrics, bus }, { clock, config, log });
  devices.onChange = (tx, userIds) => noticeLists.invalidate(tx, userIds);
  const pauses = new Pauses(db, devices, { notifier, audit, hub, bus }, { clock, view: noticeView, log });
  alerts.every((now) => pauses.sweep(now));
  alerts.every((now) => notifier.sweep(now));
  const pushSubscriptions = new PushStore(db);
  const push = new WebPush(db, pushSubscriptions, tickets, { config, clock, log }, options.fetch);
  await push.start();
  alerts.push = push;
  const users = new UserStore(db);
  const drills = new Drills(db, { drills: new DrillStore(db), devices, users }, { push, gateway, audit, notifier, quiet }, { clock, config, log });
  alerts.every((now) => drills.sweep(now));
  users.onChange = (tx, ids) => bus.send(tx, { k: 'users', ids });
  bus.on((wake) => {
    if (wake.k === 'users') users.forget(wake.ids);
  });
  bus.onResync(() => users.forget('all'));
  await fanout.start();
  const tokens = new TokenService(db, new TokenStore(db), clock, {
    idleSeconds: config.tokenIdleSeconds,
    enduringSeconds: config.tokenEnduringSeconds,
    touchWriteSeconds: config.tokenTouchWriteSeconds,
  }, bus);
  const exports = new DataExports(db, new ExportStore(db), exportFiles, { users, tokens, devices, notices, noticeIngest, noticeView, audit }, { config, clock, log });
  await bus.start();
  return {
    db,
    read: db.read,
    devices,
    notices,
    hub,
    gateway,
    metrics,
    noticeIngest,
    noticeLists,
    noticeView,
    noticeRecovery: new NoticeRecovery(db, notices, noticeFiles),
    alerts,
    liveness,
    pauses,
    notifier,
    quiet,
    drills,
    drillLimit: limit('drills', 1, 60),
    answers: new PhoneAnswers(db, { answers, notices, devices }, { ingest: noticeIngest, alerts, drills, view: noticeView, audit, gateway }, { clock, config, log }),
    callbackLimit: limit('provider-callbacks', CALLBACKS_PER_MINUTE, 60),
    push,
    pushSubscriptions,
    noticeUploads: limit('notice-uploads', config.noticesPerDevicePerMinute, 60),
    portraits: new Portraits(db, new PortraitStore(db), portraitFiles, clock, limits, config.portraitMaxSide),
    placeholders: await placeholderImages(),
    terminals: new TerminalStore(db),
    wechat: new WeChat(config.wechat, clock, log, db, tickets, options.fetch),
    pairing: new Pairing(db, new PairingStore(db), devices, clock),
    pairingGuesses: limit('pairing-guesses', 10, 60),
    health: new HealthData(db, new HealthStore(db), clock),
    files: { notices: noticeFiles, photos: photoFiles, portraits: portraitFiles, uploads: uploadFiles, dist: distFiles, exports: exportFiles, shared: client !== null },
    uploads: new Uploads(db, new UploadStore(db), uploadFiles, localUploads, clock, { secret: await uploadSecret(config, db, tickets, clock.now()), grantSeconds: config.fileGrantSeconds }),
    upgrades: new Upgrades(db, new UpgradeStore(db), distFiles, clock),
    users,
    bus,
    lifecycle: { draining: false },
    tokens,
    passwords: new Passwords(config.scryptLog2N),
    codes: new SmsCodes(db, new CodeStore(db), { clock, config, log }, gateway, tickets),
    captchas: new ImageCaptchas(db, tickets, clock, config.codeTtlSeconds, config.captchaMaxPending, options.captchaCode),
    tickets,
    loginFailures: limit('login-failures', config.loginMaxFailures, config.loginFailureWindowSeconds),
    guesses: limit('guesses', config.guessesPerAddressPerMinute, 60),
    guessesGlobal: limit('guesses-global', config.guessesGlobalPerMinute, 60),
    throttleStore,
    audit,
    panels: new AdminStore(db),
    exports,
    photos,
    retention: new PhotoRetention(db, notices, { originals: noticeFiles, photos }, bus, { clock, log }, config.noticeRetentionDays),
    reportDays: new ReportDays(db, new ReportDayStore(db), clock, log, config.noticeTimezone),
  };
}

export async function closeServices(s: Services): Promise<void> {
  s.hub.closeAll();
  await s.tokens.close();
  s.loginFailures.close();
  s.guesses.close();
  s.guessesGlobal.close();
  s.noticeUploads.close();
  s.pairingGuesses.close();
  s.callbackLimit.close();
  s.drillLimit.close();
}
