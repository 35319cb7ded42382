export * from './bus.js';
export * from './random.js';
export * from './throttle.js';
export * from './phones.js';
export * from './audit.js';
