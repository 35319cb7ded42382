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
import { Alerts } from './alerts.js';
import { Metrics } from './metrics.js';
import { ImageCaptchas } from './captcha.js';
import { SmsCodes } from './codes.js';
import { DurableDir, realFileOps, type FileOps } from './files.js';
import { NoticeHub } from './hub.js';
import { HealthData } from './health.js';
import { NoticeService } from './notices.js';
import { Pairing } from './pairing.js';
import { placeholderImages, Portraits, type Served } from './portraits.js';
import { Passwords } from './passwords.js';
import type { SmsGateway } from './sms/gateway.js';
import { OutboxGateway } from './sms/outbox.js';
import { TencentGateway } from './sms/tencent.js';
import { Throttle } from './throttle.js';
import { TokenService } from './tokens.js';
import { Upgrades } from './upgrades.js';
import { loadSecret, Uploads } from './uploads.js';
import { WeChat } from './wechat.js';

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
  loginFailures: Throttle;
  /** Wrong `img.validate` / `sms.validate` hashes per client address. */
  guesses: Throttle;
  /** Wrong `img.validate` / `sms.validate` (without phone) hashes service-wide: keys `img` and `sms`. */
  guessesGlobal: Throttle;
  devices: DeviceStore;
  notices: NoticeStore;
  noticeService: NoticeService;
  /** Escalation of unacknowledged falls, retries, camera liveness. */
  alerts: Alerts;
  /** Notice uploads per device per minute. */
  noticeUploads: Throttle;
  hub: NoticeHub;
  portraits: Portraits;
  placeholders: Record<'ban' | 'default' | 'error', Served>;
  gateway: SmsGateway;
  metrics: Metrics;
  terminals: TerminalStore;
  wechat: WeChat;
  pairing: Pairing;
  /** Failed device.claim attempts per client address. */
  pairingGuesses: Throttle;
  health: HealthData;
  uploads: Uploads;
  upgrades: Upgrades;
}

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
  const hub = new NoticeHub();
  const metrics = new Metrics(hub);
  const gateway = metrics.metered(options.gateway);
  const ops = options.fileOps ?? realFileOps;
  const noticeFiles = new DurableDir(path.join(config.dataDir, 'notices'), ops);
  const portraitFiles = new DurableDir(path.join(config.dataDir, 'portraits'), ops);
  const uploadFiles = new DurableDir(path.join(config.dataDir, 'uploads'), ops, false);
  const distFiles = new DurableDir(path.join(config.dataDir, 'dist'), ops, false);
  await Promise.all([noticeFiles.init(), portraitFiles.init(), uploadFiles.init(), distFiles.init()]);
  const devices = new DeviceStore(db);
  const notices = new NoticeStore(db);
  const limits = { maxBytes: config.imageMaxBytes, maxPixels: config.imageMaxPixels };
  const steps = new AlertStore(db);
  const alerts: Alerts = new Alerts(db, steps, notices, devices, hub, gateway, clock, config, log, (ms): string => noticeService.createtime(ms));
  const noticeService = new NoticeService(db, notices, devices, noticeFiles, hub, clock, config, log, alerts, metrics);
  devices.onChange = (userIds) => noticeService.invalidate(userIds);
  return {
    db,
    read: db.read,
    devices,
    notices,
    hub,
    gateway,
    metrics,
    noticeService,
    alerts,
    noticeUploads: new Throttle(clock, config.noticesPerDevicePerMinute, 60),
    portraits: new Portraits(db, new PortraitStore(db), portraitFiles, clock, limits, config.portraitMaxSide),
    placeholders: await placeholderImages(),
    terminals: new TerminalStore(db),
    wechat: new WeChat(config.wechat, clock, log, options.fetch),
    pairing: new Pairing(db, new PairingStore(db), devices, clock),
    pairingGuesses: new Throttle(clock, 10, 60),
    health: new HealthData(db, new HealthStore(db), clock),
    uploads: new Uploads(db, new UploadStore(db), uploadFiles, clock, loadSecret(config.dataDir), config.fileGrantSeconds),
    upgrades: new Upgrades(db, new UpgradeStore(db), distFiles, clock),
    users: new UserStore(db),
    tokens: new TokenService(db, new TokenStore(db), clock, {
      idleSeconds: config.tokenIdleSeconds,
      enduringSeconds: config.tokenEnduringSeconds,
      touchWriteSeconds: config.tokenTouchWriteSeconds,
    }),
    passwords: new Passwords(config.scryptLog2N),
    codes: new SmsCodes(db, new CodeStore(db), clock, config, gateway, log),
    captchas: new ImageCaptchas(clock, config.codeTtlSeconds, config.captchaMaxPending, options.captchaCode),
    loginFailures: new Throttle(clock, config.loginMaxFailures, config.loginFailureWindowSeconds),
    guesses: new Throttle(clock, config.guessesPerAddressPerMinute, 60),
    guessesGlobal: new Throttle(clock, config.guessesGlobalPerMinute, 60),
  };
}

export async function closeServices(s: Services): Promise<void> {
  s.hub.closeAll();
  await s.tokens.close();
  s.captchas.close();
  s.loginFailures.close();
  s.guesses.close();
  s.guessesGlobal.close();
  s.noticeUploads.close();
  s.wechat.close();
  s.pairingGuesses.close();
}
