import fs from 'node:fs';
import os from 'node:os';

/**
 * Lowers the scheduling priority of the process's other threads (libuv's
 * pool doing the file writes and fsyncs, V8's compilers, libvips) to `nice`,
 * leaving the event loop's thread at its own, so that on a busy core the
 * pool threads wait for the loop instead of preempting it (measurements in
 * docs/PERFORMANCE.md, "Code shaped by speed"). Nice values
 * are per thread on Linux; elsewhere (no /proc/self/task) nothing changes.
 * Threads started later inherit their creator's value, so most need no
 * second pass; the caller repeats this now and then for the rest. Returns how
 * many threads were changed. Raising a nice value needs no privilege.
 */
export function niceHelperThreads(nice: number): number {
  if (nice <= 0) return 0;
  let tids: string[];
  try {
    tids = fs.readdirSync('/proc/self/task');
  } catch {
    return 0;
  }
  let changed = 0;
  for (const name of tids) {
    const tid = Number(name);
    if (tid === process.pid) continue; // the main thread runs the event loop
    try {
      if (os.getPriority(tid) < nice) {
        os.setPriority(tid, nice);
        changed++;
      }
    } catch {
      // the thread ended meanwhile
    }
  }
  return changed;
}
