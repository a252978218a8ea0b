import { keys } from '../proxy/keys.js';
import type { SumEntry } from './go-sum.js';

/** The files of the download cache that cache save and restore move. `.ziphash` is derived, never moved. */
export type FileKind = 'info' | 'mod' | 'zip';

export interface ModuleFile {
  kind: FileKind;
  /** The path below `cache/download`, which is also the storage key and the GOPROXY URL path. */
  key: string;
  /** The h1 go.sum holds for it; `.info` files have none. */
  expected: string | undefined;
  /** Whether the go command needs it: a missing required file makes the restore incomplete. */
  required: boolean;
}

/** One module version and the files go needs of it. */
export interface ModuleFiles {
  module: string;
  version: string;
  /** The h1 of the zip, when go.sum lists one; restore writes it as the `.ziphash` go would write. */
  zipHash: string | undefined;
  files: ModuleFile[];
}

/**
 * The files go needs for a go.sum entry. A version listed with its zip hash is one whose code is built: go mod
 * download wants its .info, .mod and .zip (without the .info it fails even offline). A `/go.mod`-only entry
 * is one whose go.mod is read for the module graph: only the .mod is needed; its .info is kept if present.
 */
export function moduleFiles(entry: SumEntry): ModuleFiles {
  const { module, version } = entry;
  const file = (kind: FileKind, expected: string | undefined, required: boolean): ModuleFile => ({
    kind,
    key: keys.artifact(module, version, kind),
    expected,
    required,
  });
  const files =
    entry.zip === undefined
      ? [file('mod', entry.mod, true), file('info', undefined, false)]
      : [file('zip', entry.zip, true), file('mod', entry.mod, true), file('info', undefined, true)];
  return { module, version, zipHash: entry.zip, files };
}
