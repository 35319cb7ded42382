import { loadConfigOrSay } from '../config.js';
import { databaseName, openDatabase, orSay } from '../db/client.js';
import { UserStore } from '../db/users.js';
import { createLogger } from '../log.js';
import { AuditLog, Bus } from '../services/shared/index.js';
import { AuditStore } from '../db/audit.js';
import { systemClock } from '../clock.js';

const USAGE = 'usage: npm run admin -- grant <phone> | revoke <phone>';

async function main(argv: string[]): Promise<number> {
  const [command, phone] = argv;
  if ((command !== 'grant' && command !== 'revoke') || !phone) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfigOrSay();
  if (!config) return 2;
  const where = databaseName(config);
  const db = await orSay(openDatabase(config));
  if (!db) return 2;
  try {
    const users = new UserStore(db);
    // running instances (on PostgreSQL) drop the account's remembered role when this commits
    const bus = new Bus(db, createLogger('warn'));
    users.onChange = (tx, ids) => bus.send(tx, { k: 'users', ids });
    const user = await users.byPhone(db.read, phone);
    if (!user) {
      process.stderr.write(`no account with phone ${phone} in ${where}\n`);
      return 1;
    }
    const role = command === 'grant' ? 'admin' : 'user';
    // written in the audit trail as done by nobody signed in, from this machine's command line
    const audit = new AuditLog(db, new AuditStore(db), systemClock, config.auditRetentionDays);
    await db.transaction(async (tx) => {
      await users.setRole(tx, user.id, role, Date.now());
      await audit.record(tx, { user: null, ip: 'cli', requestId: 'npm run admin' }, role === 'admin' ? 'admin.grant' : 'admin.revoke', { user });
    });
    process.stdout.write(`${phone} is now ${role === 'admin' ? 'an admin' : 'a regular user'} (${where})\n`);
    return 0;
  } finally {
    await db.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
