export * from './backup.js';
export * from './exports.js';
export * from './legacy-import.js';
export * from './metrics.js';
export * from './report-days.js';
