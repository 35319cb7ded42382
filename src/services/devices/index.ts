export * from './health.js';
export * from './pairing.js';
export * from './tz.js';
export * from './upgrades.js';
