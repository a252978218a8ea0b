import { escapePath, escapeVersion } from '../gomod/escape.js';

/** Storage keys, in the `$GOMODCACHE/cache/download` layout that makes the store a GOPROXY tree. */
export const keys = {
  artifact: (module: string, version: string, ext: 'info' | 'mod' | 'zip' | 'ziphash') =>
    `${escapePath(module)}/@v/${escapeVersion(version)}.${ext}`,
  /** Versions stored here (those with a .mod), like the go command's own cache keeps it. */
  localList: (module: string) => `${escapePath(module)}/@v/list`,
  /**
   * Upstream answers that change over time live outside the module tree, under a first path element with no
   * dot, which no module path can have; their own names start with `@`, which no module path element can,
   * so module `m/list` can never land where module `m` keeps its list.
   */
  remoteList: (module: string) => `_modgate/remote/${escapePath(module)}/@list`,
  remoteLatest: (module: string) => `_modgate/remote/${escapePath(module)}/@latest`,
  remoteQuery: (module: string, query: string) =>
    `_modgate/remote/${escapePath(module)}/@query/${escapeVersion(query)}`,
};
