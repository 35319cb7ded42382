import fs from 'node:fs';
import os from 'node:os';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { engineEnv, type Envelope, passes, tempDir } from './helpers.js';
import { startChild } from './support/child.js';

const threads = suite('helper threads yield to the event loop (HELPER_THREADS_NICE)');
const linux = fs.existsSync('/proc/self/task');

/** Nice value of every thread of a process, the main thread (tid = pid) first. */
function niceByThread(pid: number): { main: number; others: number[] } {
  const nice = (tid: string) => Number(fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1').split(') ')[1]!.split(' ')[16]);
  const tids = fs.readdirSync(`/proc/${pid}/task`).filter((tid) => tid !== String(pid));
  return { main: nice(String(pid)), others: tids.map(nice) };
}

threads('npm start lowers every thread but the event loop\'s to nice 19; 0 leaves them be', async () => {
  if (!linux) return;
  const own = os.getPriority();
  for (const [setting, expected] of [['19', 19], ['0', own]] as const) {
    const dataDir = tempDir();
    const child = await startChild({ DATA_DIR: dataDir, LOG_LEVEL: 'info', HELPER_THREADS_NICE: setting, ...await engineEnv(dataDir) });
    try {
      const res = await fetch(`${child.url}/captcha`, { method: 'POST', body: JSON.stringify({ id: 1, type: 'img', subtype: 'generate', data: {} }) });
      passes((await res.json()) as Envelope);
      const { main, others } = niceByThread(child.proc.pid!);
      assert.is(main, own, 'the event loop keeps its priority');
      assert.ok(others.length >= 4, `${others.length} helper threads`);
      assert.equal(others, others.map(() => Math.max(expected, own)), `HELPER_THREADS_NICE=${setting}`);
    } finally {
      await child.kill('SIGTERM');
    }
  }
});

threads.run();
