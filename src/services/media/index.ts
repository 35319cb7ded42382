export * from './bucket.js';
export * from './files.js';
export * from './image-structure.js';
export * from './images.js';
export * from './portraits.js';
export * from './uploads.js';
export * from './photos.js';
