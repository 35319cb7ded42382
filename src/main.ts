import { loadConfigOrSay } from './config.js';
import { databaseName } from './db/client.js';
import { DatabaseConfigError } from './db/postgres.js';
import { createLogger } from './log.js';
import { startServer } from './server.js';
import { niceHelperThreads } from './threads.js';

const config = loadConfigOrSay() ?? process.exit(2);

const log = createLogger(config.logLevel);
const running = await startServer(config, { log }).catch((err) => {
  if (!(err instanceof DatabaseConfigError)) throw err;
  process.stderr.write(`configuration error: ${err.message}\n`);
  process.exit(2);
});
log.info('listening', { url: running.url, port: running.port, dataDir: config.dataDir, database: databaseName(config), sms: config.sms.gateway });
log.info('helper threads niced', { nice: config.helperThreadsNice, threads: niceHelperThreads(config.helperThreadsNice) });
setInterval(() => niceHelperThreads(config.helperThreadsNice), 60_000).unref();
if (config.scryptLog2N < 17) log.warn('PASSWORD_SCRYPT_LOG2N is below 17: password hashes are weaker than recommended');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    running.close().then(() => process.exit(0));
  });
}
process.on('unhandledRejection', (err) => log.error('unhandled rejection', { err }));
