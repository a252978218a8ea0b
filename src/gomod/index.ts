export * from './errors.js';
export * from './escape.js';
export * from './modfile.js';
export * from './modfile-lines.js';
export * from './path.js';
export * from './patterns.js';
export * from './proxy-list.js';
export * from './pseudo.js';
export * as semver from './semver.js';
