export * from './bus.js';
export * from './random.js';
export * from './throttle.js';
