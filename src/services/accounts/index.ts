export * from './captcha.js';
export * from './codes.js';
export * from './deletion.js';
export * from './glyphs.js';
export * from './passwords.js';
export * from './tokens.js';
export * from './wechat.js';
