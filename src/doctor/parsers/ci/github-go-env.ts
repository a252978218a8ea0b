import { type GithubJob, runsOnText } from './github-workflow.js';
import type { GoCacheKind } from './go-cache-paths.js';
import { child, text } from './yaml-tree.js';

/**
 * Where Go keeps its caches in a GitHub job, as far as the workflow says: `env:` overrides of GOMODCACHE,
 * GOPATH and GOCACHE, a `container:` golang image (GOPATH=/go), and the runner OS's default GOCACHE.
 * Undefined when the workflow leaves it to expressions or to a matrix.
 */
export function expectedGoCachePath(job: GithubJob, kind: GoCacheKind): string | undefined {
  const env = (name: string) =>
    job.envMaps.map((map) => text(child(map, name))).findLast((v) => v !== undefined);
  const os = runnerOs(job);
  if (kind === 'modcache') {
    const gomodcache = env('GOMODCACHE');
    if (gomodcache !== undefined) return gomodcache;
    const gopath = env('GOPATH')?.split(os === 'windows' ? ';' : ':')[0];
    if (gopath !== undefined) return `${gopath}/pkg/mod`;
    return isGolangContainer(job) ? '/go/pkg/mod' : '~/go/pkg/mod';
  }
  const gocache = env('GOCACHE');
  if (gocache !== undefined) return gocache;
  if (os === 'macos') return '~/Library/Caches/go-build';
  if (os === 'windows') return '~/AppData/Local/go-build';
  return os === 'linux' ? '~/.cache/go-build' : undefined;
}

function runnerOs(job: GithubJob): 'linux' | 'macos' | 'windows' | undefined {
  const labels = runsOnText(job).toLowerCase();
  if (labels.includes('${{')) return undefined;
  if (labels.includes('windows')) return 'windows';
  if (labels.includes('macos')) return 'macos';
  return labels === '' ? undefined : 'linux';
}

function isGolangContainer(job: GithubJob): boolean {
  const image = text(job.container) ?? text(child(job.container, 'image')) ?? '';
  return /(^|\/)golang(:|@|$)/.test(image);
}

/** Compares cache paths the way the shell would see them: `$HOME` and `~` alike, `\` as `/`, no trailing slash. */
export function samePath(a: string, b: string): boolean {
  const norm = (p: string) =>
    p
      .replace(/\\/g, '/')
      .replace(/^(\$HOME|\$\{HOME\}|\/home\/runner|\/Users\/runner)(?=\/|$)/, '~')
      .replace(/\/+$/, '');
  return norm(a) === norm(b);
}
