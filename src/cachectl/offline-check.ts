import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runGo } from './go-command.js';

export interface CheckResult {
  ok: boolean;
  /** What go printed when it failed: the modules it could not find. */
  output: string;
}

/** Where the restore wrote: into a module cache, or a separate GOPROXY=file:// tree. */
export type Restored = { moduleCache: string } | { proxyTree: string };

/**
 * Proves a restore complete with the real go command and no network: `go mod download` in the project with
 * GOPROXY=off against the module cache, or with only the restored tree as GOPROXY (and a throw-away module
 * cache). The checksum database is off and no module is private, so go has no other place to reach.
 */
export async function offlineCheck(
  projectDir: string,
  restored: Restored,
  env: NodeJS.ProcessEnv,
): Promise<CheckResult> {
  const scratch = 'proxyTree' in restored;
  const moduleCache = scratch ? await mkdtemp(join(tmpdir(), 'modgate-check-')) : restored.moduleCache;
  const isolated: NodeJS.ProcessEnv = {
    ...env,
    GOSUMDB: 'off',
    GOPRIVATE: '',
    GONOPROXY: '',
    GONOSUMDB: '',
    GOPROXY: scratch ? pathToFileURL(restored.proxyTree).href : 'off',
    GOMODCACHE: moduleCache,
    // The scratch cache must stay deletable: go makes extracted modules read-only otherwise.
    ...(scratch ? { GOFLAGS: `${env.GOFLAGS ?? ''} -modcacherw`.trim() } : {}),
  };
  try {
    const { code, stderr } = await runGo(['mod', 'download'], { cwd: projectDir, env: isolated });
    return { ok: code === 0, output: stderr.trim() };
  } finally {
    if (scratch) await rm(moduleCache, { recursive: true, force: true });
  }
}
