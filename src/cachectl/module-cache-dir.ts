import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { GoMissingError, runGo } from './go-command.js';

/** The module cache go uses here, and the GOFLAGS it runs with (which say whether it is kept writable). */
export interface ModuleCacheSettings {
  dir: string;
  goflags: string | undefined;
}

/**
 * The module cache go uses here: the flag if given, else what `go env GOMODCACHE` says (which honours the
 * environment and `go env -w`), else go's own defaults without it: $GOMODCACHE, the first $GOPATH entry's
 * pkg/mod, ~/go/pkg/mod. GOFLAGS comes from the same `go env` call when there is one, else from the environment.
 */
export async function moduleCacheSettings(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<ModuleCacheSettings> {
  if (flag !== undefined) return { dir: resolve(flag), goflags: env.GOFLAGS };
  try {
    const { code, stdout } = await runGo(['env', 'GOMODCACHE', 'GOFLAGS'], { env });
    const [dir = '', goflags = ''] = stdout.split('\n');
    if (code === 0 && dir.trim() !== '') return { dir: dir.trim(), goflags: goflags.trim() };
  } catch (err) {
    if (!(err instanceof GoMissingError)) throw err;
  }
  if (env.GOMODCACHE) return { dir: resolve(env.GOMODCACHE), goflags: env.GOFLAGS };
  const gopath = env.GOPATH?.split(delimiter).find((p) => p !== '');
  return { dir: join(gopath ?? join(homedir(), 'go'), 'pkg', 'mod'), goflags: env.GOFLAGS };
}
