export * from './backup.js';
export * from './legacy-import.js';
export * from './metrics.js';
