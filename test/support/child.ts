import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
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
