import type { Config } from '../config.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { GlobalKey, StatusTable } from '../status.js';
import type { DeviceRow } from '../db/devices.js';
import type { Services } from '../services/index.js';

export interface Reply {
  status: number;
  message: string;
  data: unknown;
}

/** Who may call a handler: 'public' needs no token, 'admin' a user token with the admin role. */
export type Auth = 'public' | 'user' | 'admin' | 'device';

/** The kind of token an endpoint's `?token=` carries. */
export type TokenKind = 'user' | 'device' | 'none';

export interface AuthUser {
  id: number;
  phone: string;
  role: 'user' | 'admin';
  tokenId: number;
}

export interface Ctx<K extends string> extends Services {
  config: Config;
  clock: Clock;
  log: Logger;
  requestId: string;
  ip: string;
  /** How the caller came: the console (its session cookie) or an app (?token=), as an acknowledgement's channel. */
  via: 'console' | 'app';
  /** This server as the client reached it (PUBLIC_URL when set), for absolute links. */
  origin: string;
  /** The caller, for 'user' and 'admin' handlers (and for 'public' ones called with a valid token). */
  user: AuthUser | null;
  /** The camera, for 'device' handlers: the device whose id came as `?token=`. */
  device: DeviceRow | null;
  ok(data?: unknown): Reply;
  fail(key: K | GlobalKey, data?: unknown): Reply;
}

export interface HandlerSpec<K extends string = string, D = any> {
  type: string;
  subtype: string;
  auth: Auth;
  /** The success message of the seed's example for this call ("Successful" or "successful"). */
  success: 'Successful' | 'successful';
  run(data: D, ctx: Ctx<K>): Reply | Promise<Reply>;
}

/** A GET on the endpoint's URL (user/info, user/doki): token in the query, no body. */
export interface GetSpec {
  /** Local status for a bad token: these legacy GETs answer 1, not -101. */
  badToken: string;
  success: 'Successful' | 'successful';
  run(ctx: Ctx<string> & { user: AuthUser }): Reply | Promise<Reply>;
}

export interface EndpointSpec {
  /** URL path without the /api prefix, e.g. "/user/login". */
  path: string;
  /** Folder under schemas/ holding one JSON Schema per type.subtype. */
  schemas: string;
  token: TokenKind;
  local: StatusTable;
  /** 'upload' endpoints take images and get the larger body limit. */
  body?: 'default' | 'upload';
  handlers: HandlerSpec<any, any>[];
  get?: GetSpec;
  /** Local status numbers that legitimately carry more than one message (legacy). */
  sharedNumbers?: readonly number[];
}
