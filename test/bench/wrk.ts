/**
 * wrk (Debian's `wrk`, a C load generator) as the load of the two-instance scenarios, when installed:
 * on a 2-core machine the load shares the cores with the instances, and what it spends is taken from
 * them. Measured with top during I1: the server spent about 150 µs of CPU per `notice.get`, autocannon
 * about 100 µs (a load of raw sockets in Node, tried, about as much), wrk 25 µs. Every reply is still checked (a non-2xx status or an envelope whose status is not 0 is an error), in wrk's Lua.
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Load } from './lib.js';

export const HAS_WRK = !spawnSync('wrk', ['-v']).error;

export interface WrkOptions {
  url: string;
  connections: number;
  /** Seconds. */
  duration: number;
  /** The same body on every request, */
  body?: string;
  /** or camera uploads: these envelopes (cameraTemplates), each request with a fresh JPEG comment. */
  camera?: { files: string[]; at: number; commentLetters: string };
  /** Where the script goes. */
  dir: string;
}

const lua = (o: WrkOptions) => `
local fixed = ${o.body === undefined ? 'nil' : JSON.stringify(o.body)}
local files = { ${(o.camera?.files ?? []).map((f) => JSON.stringify(f)).join(', ')} }
local at, letters = ${o.camera?.at ?? 0}, ${JSON.stringify(o.camera?.commentLetters ?? '')}
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local bodies = {}
local i = 0
bad = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if fixed then wrk.body = fixed end

local threads = {}
function setup(thread) table.insert(threads, thread) end

function init(args)
  math.randomseed(tonumber(args[1]))
  for _, f in ipairs(files) do
    local h = io.open(f, "rb")
    bodies[#bodies + 1] = h:read("*a")
    h:close()
  end
end

if #files > 0 then
  -- a distinct photo each time: its name is its hash
  request = function()
    i = i % #bodies + 1
    local b = bodies[i]
    local r = {}
    for k = 1, 24 do
      local n = math.random(1, 64)
      r[k] = alphabet:sub(n, n)
    end
    return wrk.format(nil, nil, nil, b:sub(1, at) .. letters .. table.concat(r) .. b:sub(at + 33))
  end
end

function response(status, headers, body)
  if status < 200 or status > 299 or not string.find(body, '"status":0,', 1, true) then bad = bad + 1 end
end

function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("bad") end
  local e = summary.errors
  io.write(string.format('WRK {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"bad":%d,"socket_errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max, b, e.connect + e.read + e.write + e.timeout))
end
`;

/** One wrk run (one thread, `connections` keep-alive connections). */
export function wrk(o: WrkOptions): Promise<Load> {
  const script = path.join(o.dir, `wrk-${crypto.randomUUID()}.lua`);
  fs.writeFileSync(script, lua(o));
  const proc = spawn('wrk', ['-t1', `-c${o.connections}`, `-d${o.duration}s`, '--timeout', '10s', '-s', script, o.url, '--', String(crypto.randomInt(2 ** 31))]);
  let out = '';
  let err = '';
  proc.stdout.on('data', (c) => (out += c));
  proc.stderr.on('data', (c) => (err += c));
  return new Promise<Load>((resolve, reject) => {
    proc.on('error', reject);
    // 'close', not 'exit': a process can exit before its output has all been read
    proc.on('close', (code) => {
      fs.rmSync(script, { force: true });
      const line = /^WRK (\{.*\})$/m.exec(out);
      if (code !== 0 || !line) return reject(new Error(`wrk exited with ${code}: ${(err || out).slice(-2000)}`));
      const r = JSON.parse(line[1]!) as { requests: number; duration_us: number; p50_us: number; p99_us: number; max_us: number; bad: number; socket_errors: number };
      resolve({ rps: r.requests / (r.duration_us / 1e6), p50: r.p50_us / 1000, p99: r.p99_us / 1000, max: r.max_us / 1000, errors: r.bad + r.socket_errors, total: r.requests });
    });
  });
}
