/**
 * How `npm start` runs the server (package.json, "start"): two libuv
 * threads and garbage collection on the main thread. Benchmarks and the
 * crash test start their servers the same way; test/bench-setup.test.ts
 * keeps this file and package.json in step.
 */
export const START_FLAGS = ['--single-threaded-gc'];
export const START_ENV = { UV_THREADPOOL_SIZE: '2' };
