export * from './escalation.js';
export * from './hub.js';
export * from './notices.js';
export * from './push.js';
export * from './retention.js';
