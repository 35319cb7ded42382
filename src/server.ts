import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { openDatabase } from './db/client.js';
import type { Database } from './db/engine.js';
import { createLogger, type Logger } from './log.js';
import { closeServices, createGateway, createServices, type Services } from './services/index.js';
import type { FileOps } from './services/media/index.js';
import type { SmsGateway } from './services/sms/index.js';

export interface Running {
  url: string;
  port: number;
  server: http.Server;
  db: Database;
  services: Services;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  log?: Logger;
  gateway?: SmsGateway;
  captchaCode?: () => string;
  fileOps?: FileOps;
}

const SWEEP_MS = 10 * 60 * 1000;
/** How old a stored file no row names must be before it is removed: an upload is never between its write and its commit this long. */
const ORPHAN_GRACE_MS = 10 * 60 * 1000;
/** The most a client may take over its headers (less when REQUEST_TIMEOUT_SECONDS is shorter); a silent connection is closed then too. */
export const HEADERS_TIMEOUT_MS = 10_000;
/** How long an idle keep-alive connection is kept between requests. */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;
const TIMEOUT_CHECK_MS = 500;

/** Opens the database (migrating it), builds the app and listens. Used by main.ts and by tests. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<Running> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? createLogger(config.logLevel);
  if (config.trustProxy === 'true') {
    log.warn('TRUST_PROXY=true trusts every X-Forwarded-For hop: any client can pick the address its limits count against; set the number of proxies in front (e.g. 1) or their addresses instead');
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  const db = await openDatabase(config, log);
  const services = await createServices(config, clock, log, db, {
    gateway: options.gateway ?? createGateway(config, clock),
    captchaCode: options.captchaCode,
    fileOps: options.fileOps,
  });
  // Files a crash left staged, and portrait files no row names. Under DATA_DIR they are this instance's
  // own; in a shared bucket only old ones go, and one instance at a time: a young one may be another
  // instance's, between its PUT and its commit.
  const recover = async () => {
    const recovered = await services.noticeRecovery.recover();
    const before = services.files.shared ? clock.now() - ORPHAN_GRACE_MS : Infinity;
    const portraitsDropped = await services.portraits.recover(before);
    if (recovered.placed || recovered.dropped || portraitsDropped) log.warn('recovered after an unclean stop', { ...recovered, portraitsDropped });
  };
  if (services.files.shared) await db.exclusive('sweeps', recover);
  else await recover();
  // two-step uploads are streamed to this instance's own disk first, bucket or not
  const uploadsDropped = await services.uploads.recover();
  if (uploadsDropped) log.warn('dropped unfinished uploads after an unclean stop', { uploadsDropped });
  const app = createApp({ config, clock, log, services });

  // Node checks request and header timeouts only every connectionsCheckingInterval (30 s by default), so a
  // trickling client outlived REQUEST_TIMEOUT_SECONDS by up to that much: check every half second instead.
  const requestTimeout = config.requestTimeoutSeconds * 1000;
  const server = http.createServer({
    requestTimeout,
    headersTimeout: Math.min(requestTimeout, HEADERS_TIMEOUT_MS),
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: TIMEOUT_CHECK_MS,
  }, app);
  // A client that shuts its sending side once the request is out (nc, some embedded HTTP stacks) still gets
  // its reply: by default Node aborts a request whose reply is not yet written when that FIN arrives.
  (server as http.Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;

  let lastOrphanSweep = 0;
  const sweep = setInterval(() => {
    // one instance at a time (an advisory lock on PostgreSQL); another one holding it sweeps for everyone
    void db.exclusive('sweeps', async () => {
      const tokens = await services.tokens.sweep();
      const codes = await services.codes.sweep();
      const now = clock.now();
      // every limit's window is at most this long: rows older than that count nothing
      const longest = Math.max(config.loginFailureWindowSeconds, 60) * 1000;
      const { limits, tickets } = await db.transaction(async (tx) => ({
        limits: await services.throttleStore.sweep(tx, now - longest),
        // kept a while past their expiry, so that a late answer is told "expired" rather than "unknown"
        tickets: await services.tickets.sweep(tx, now - 600_000),
      }));
      // photos in the bucket whose rows never committed, at most hourly (it lists the whole prefix)
      let orphans = 0;
      if (services.files.shared && now - lastOrphanSweep >= 3600_000) {
        lastOrphanSweep = now;
        orphans = await services.noticeRecovery.sweepOrphans(now - ORPHAN_GRACE_MS) + await services.portraits.recover(now - ORPHAN_GRACE_MS);
      }
      const audit = await services.audit.sweep();
      const callbacks = await services.answers.sweep();
      await services.retention.sweep();
      await services.reportDays.build();
      // exports whose instance stopped mid-build, and ready ones nobody downloaded in a day
      await services.exports.sweep();
      if (tokens || codes || limits || tickets || orphans || audit || callbacks) log.info('swept', { tokens, codes, limits, tickets, orphans, audit, callbacks });
    }).catch((err) => log.error('sweep failed', { err }));
  }, SWEEP_MS);
  sweep.unref();
  // photos past their retention (and removals a crash cut short) go at start too, in the background, and
  // the falls report's past days are built
  const retained = db.exclusive('sweeps', async () => {
    await services.retention.sweep().catch((err) => log.error('retention sweep failed', { err }));
    await services.reportDays.build().catch((err) => log.error('building report days failed', { err }));
  }).catch((err) => log.error('start-up sweep failed', { err }));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  services.alerts.start();
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;

  // Stopping: /health/ready answers 503 at once and streams are closed with a retry hint; the listener
  // keeps answering for SHUTDOWN_GRACE_SECONDS (the load balancer takes the instance out meanwhile), then
  // closes while in-flight requests finish.
  const shut = (resolve: () => void) => {
    services.hub.closeAll(); // streams opened during the grace period too
    server.close(async () => {
      await services.alerts.stop();
      await retained;
      await closeServices(services).catch((err) => log.error('closing services failed', { err }));
      await db.close().catch((err) => log.error('closing the database failed', { err }));
      resolve();
    });
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 5_000).unref();
  };
  let closed: Promise<void> | null = null;
  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      services.lifecycle.draining = true;
      clearInterval(sweep);
      services.retention.stop();
      services.reportDays.stop();
      services.hub.closeAll();
      if (config.shutdownGraceSeconds === 0) shut(resolve);
      else setTimeout(() => shut(resolve), config.shutdownGraceSeconds * 1000);
    });
    return closed;
  };
  return { url: `http://${host}:${port}`, port, server, db, services, close };
}
