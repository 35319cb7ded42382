import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { UserStore } from '../db/users.js';
import type { Logger } from '../log.js';
import { ImageCaptchas } from './captcha.js';
import { SmsCodes } from './codes.js';
import { Passwords } from './passwords.js';
import type { SmsGateway } from './sms/gateway.js';
import { OutboxGateway } from './sms/outbox.js';
import { TencentGateway } from './sms/tencent.js';
import { Throttle } from './throttle.js';
import { TokenService } from './tokens.js';

/** Everything a handler may use, handed to it in its context. */
export interface Services {
  db: Db;
  users: UserStore;
  tokens: TokenService;
  passwords: Passwords;
  codes: SmsCodes;
  captchas: ImageCaptchas;
  /** Failed password checks per phone. */
  loginFailures: Throttle;
  /** `img.validate` / `sms.validate` guesses per client address. */
  guesses: Throttle;
}

export function createGateway(config: Config, clock: Clock): SmsGateway {
  return config.sms.tencent ? new TencentGateway(config.sms.tencent) : new OutboxGateway(config.dataDir, clock);
}

export interface ServiceOptions {
  gateway: SmsGateway;
  /** Tests pick the captcha text; production draws it from the CSPRNG. */
  captchaCode?: () => string;
}

export function createServices(config: Config, clock: Clock, log: Logger, db: Db, options: ServiceOptions): Services {
  const { gateway } = options;
  return {
    db,
    users: new UserStore(db),
    tokens: new TokenService(db, clock, {
      idleSeconds: config.tokenIdleSeconds,
      enduringSeconds: config.tokenEnduringSeconds,
      touchWriteSeconds: config.tokenTouchWriteSeconds,
    }),
    passwords: new Passwords(config.scryptLog2N),
    codes: new SmsCodes(db, clock, config, gateway, log),
    captchas: new ImageCaptchas(clock, config.codeTtlSeconds, options.captchaCode),
    loginFailures: new Throttle(clock, config.loginMaxFailures, config.loginFailureWindowSeconds),
    guesses: new Throttle(clock, 30, 60),
  };
}

export function closeServices(s: Services): void {
  s.tokens.close();
  s.captchas.close();
  s.loginFailures.close();
  s.guesses.close();
}
