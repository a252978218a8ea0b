export * from './client.js';
export * from './client-errors.js';
export type { SumdbClientOps } from './client-ops.js';
export * from './http-ops.js';
export * from './lookup.js';
export * from './note.js';
export * from './tile.js';
export * from './tlog.js';
