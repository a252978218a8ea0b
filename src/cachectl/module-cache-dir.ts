import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { GoMissingError, runGo } from './go-command.js';

/**
 * The module cache go uses here: the flag if given, else what `go env GOMODCACHE` says (which honours the
 * environment and `go env -w`), else go's own defaults without it: $GOMODCACHE, the first $GOPATH entry's
 * pkg/mod, ~/go/pkg/mod.
 */
export async function moduleCacheDir(flag: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  if (flag !== undefined) return resolve(flag);
  try {
    const { code, stdout } = await runGo(['env', 'GOMODCACHE'], { env });
    const dir = stdout.trim();
    if (code === 0 && dir !== '') return dir;
  } catch (err) {
    if (!(err instanceof GoMissingError)) throw err;
  }
  if (env.GOMODCACHE) return resolve(env.GOMODCACHE);
  const gopath = env.GOPATH?.split(delimiter).find((p) => p !== '');
  return join(gopath ?? join(homedir(), 'go'), 'pkg', 'mod');
}
