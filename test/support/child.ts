import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { md5Hex } from '../../src/services/shared/random.js';
import { answered, pathOf, type Envelope } from '../helpers.js';
import { START_ENV, START_FLAGS } from './start.js';

export interface Child {
  url: string;
  proc: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const MAIN = path.resolve('src/main.ts');

/** Starts `src/main.ts` as its own process (as `npm start` does) and waits for its "listening" line. */
export function startChild(env: Record<string, string>, taskset?: string): Promise<Child> {
  const args = [...START_FLAGS, '--import', 'tsx', MAIN];
  const [cmd, argv] = taskset ? ['taskset', ['-c', taskset, process.execPath, ...args]] : [process.execPath, args];
  const proc = spawn(cmd, argv as string[], { env: { ...process.env, ...START_ENV, PORT: '0', HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start in 20 s')), 20_000);
    let stderr = '';
    proc.stderr!.on('data', (c) => (stderr += c));
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr.slice(-2000)}`)));
    const lines = readline.createInterface({ input: proc.stdout! });
    lines.on('line', (line) => {
      if (!line.includes('"listening"')) return;
      clearTimeout(timer);
      const { url } = JSON.parse(line) as { url: string };
      resolve({
        url,
        proc,
        kill: (signal = 'SIGKILL') => new Promise<void>((done) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return done();
          proc.once('exit', () => done());
          proc.kill(signal);
        }),
      });
    });
  });
}

/**
 * A started server as a client sees it: envelope calls, and accounts signed up with the codes its
 * outbox (in `dataDir`) shows.
 */
export function clientOf(child: Child, dataDir: string) {
  const api = {
    url: child.url,
    child,
    /** Calls `type.subtype` at its URL (the endpoint table's), as TestServer.call does. */
    call<D = any>(key: string, data: unknown = {}, token?: string): Promise<Envelope<D>> {
      const dot = key.indexOf('.');
      return api.callAt<D>(pathOf(key), key.slice(0, dot), key.slice(dot + 1), data, token);
    },
    async callAt<D = any>(urlPath: string, type: string, subtype: string, data: unknown, token?: string): Promise<Envelope<D>> {
      const q = token === undefined ? '' : `${urlPath.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
      const res = await fetch(`${child.url}${urlPath}${q}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 1, type, subtype, data }) });
      return answered((await res.json()) as Envelope<D>, urlPath);
    },
    /** The hash a client computes from the last code this instance sent to `phone`. */
    async code(phone: string, commandType: number): Promise<string> {
      const res = await api.call('sms.generate', { phone, command_type: commandType });
      if (res.status !== 0) throw new Error(`sms.generate: ${JSON.stringify(res)}`);
      const lines = fs.readFileSync(path.join(dataDir, 'sms-outbox.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const sent = lines.filter((m) => m.phone === phone && m.kind === 'code').at(-1);
      return md5Hex(sent.code + res.data.rand);
    },
    async login(phone: string, pass = 'secret123'): Promise<string> {
      const res = await api.call('login.pass', { phone, pass });
      if (res.status !== 0) throw new Error(`login: ${JSON.stringify(res)}`);
      return res.data.token;
    },
    async signUp(phone: string): Promise<string> {
      const res = await api.call('register.phone', { phone, hash: await api.code(phone, 1), pass: 'secret123' });
      if (res.status !== 0) throw new Error(`register: ${JSON.stringify(res)}`);
      return api.login(phone);
    },
    async camera(token: string): Promise<string> {
      const added = await api.call('device.add', { device: `cam-${Math.random().toString(36).slice(2, 10)}` }, token);
      if (added.status !== 0) throw new Error(`device.add: ${JSON.stringify(added)}`);
      const bound = await api.call('device.bind', { device_id: added.data.device_id }, token);
      if (bound.status !== 0) throw new Error(`device.bind: ${JSON.stringify(bound)}`);
      return added.data.device_id;
    },
    list(token: string, mode = 2) {
      return api.call('notice.get', { mode }, token);
    },
  };
  return api;
}
export type Client = ReturnType<typeof clientOf>;
