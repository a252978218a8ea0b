export * from './lookup.js';
export * from './note.js';
export * from './tile.js';
export * from './tlog.js';
