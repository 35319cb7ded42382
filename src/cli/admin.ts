import { loadConfigOrSay } from '../config.js';
import { openDatabase } from '../db/client.js';
import { UserStore } from '../db/users.js';

const USAGE = 'usage: npm run admin -- grant <phone> | revoke <phone>';

function main(argv: string[]): number {
  const [command, phone] = argv;
  if ((command !== 'grant' && command !== 'revoke') || !phone) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfigOrSay();
  if (!config) return 2;
  const { dataDir } = config;
  const db = openDatabase(dataDir);
  try {
    const users = new UserStore(db);
    const user = users.byPhone(phone);
    if (!user) {
      process.stderr.write(`no account with phone ${phone} in ${dataDir}\n`);
      return 1;
    }
    const role = command === 'grant' ? 'admin' : 'user';
    users.setRole(user.id, role, Date.now());
    process.stdout.write(`${phone} is now ${role === 'admin' ? 'an admin' : 'a regular user'} (${dataDir})\n`);
    return 0;
  } finally {
    db.$client.close();
  }
}

process.exitCode = main(process.argv.slice(2));
