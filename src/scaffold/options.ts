import { pathMatch } from '../gomod/patterns.js';
import { parseProxyList } from '../gomod/proxy-list.js';
import { ScaffoldError } from './errors.js';
import { relativeArgument } from './paths.js';
import type { GoProject } from './project.js';

/** The choices `modgate init` takes from its flags. */
export interface InitOptions {
  /** GOPRIVATE-style patterns of the modules that need credentials. */
  private: string[];
  /** A module proxy (a modgate server) to download through, before `direct`. */
  goproxy?: string;
  /** How private credentials reach go: a .netrc secret, or not at all. Default: netrc when `private` is set. */
  secret?: 'netrc' | 'none';
  /** The main package the image runs, as a directory relative to the project root. */
  main?: string;
}

/** The module settings every template writes: the same names and values in Docker, GitHub and GitLab. */
export interface ModuleSettings {
  /** `go env` variables in the order they are written. */
  env: [name: string, value: string][];
  /** Whether go needs the .netrc credential (a Docker secret, a CI secret). */
  netrc: boolean;
}

/**
 * Without a proxy, private modules come straight from their hosts: GOPRIVATE keeps them away from the public
 * proxy and checksum database. With a modgate server they are fetched through it (it holds the git
 * credentials), so only GONOSUMDB is set: GOPRIVATE would also mean GONOPROXY and bypass the server.
 */
export function moduleSettings(options: InitOptions): ModuleSettings {
  const patterns = options.private.map(checkPattern).join(',');
  const env: [string, string][] = [];
  if (options.goproxy !== undefined) env.push(['GOPROXY', `${checkProxy(options.goproxy)},direct`]);
  if (patterns !== '') env.push([options.goproxy === undefined ? 'GOPRIVATE' : 'GONOSUMDB', patterns]);
  return { env, netrc: (options.secret ?? (patterns === '' ? 'none' : 'netrc')) === 'netrc' };
}

function checkPattern(pattern: string): string {
  const trimmed = pattern.replace(/\/$/, '');
  let valid = trimmed !== '' && !/[\s,]/.test(trimmed);
  try {
    if (valid) pathMatch(trimmed, trimmed);
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new ScaffoldError(
      `--private ${JSON.stringify(pattern)} is not a module path pattern: give a path prefix or glob such as ` +
        "'github.com/acme/*' or 'git.acme.internal'",
    );
  }
  return trimmed;
}

/** One http(s) proxy URL without credentials, which would otherwise end up in Dockerfiles and CI files. */
function checkProxy(raw: string): string {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  const problem =
    url === undefined || !/^https?:$/.test(url.protocol)
      ? 'is not an http:// or https:// URL'
      : url.username !== '' || url.password !== ''
        ? 'carries credentials, which must not be written into build files (put them in the .netrc secret)'
        : /[,|]/.test(raw)
          ? 'is a list: give the one proxy to use before direct'
          : undefined;
  if (problem) throw new ScaffoldError(`--goproxy ${JSON.stringify(raw)} ${problem}`);
  const value = raw.replace(/\/+$/, '');
  parseProxyList(value);
  return value;
}

/** The main package the image builds: the one given, else the project's only one. */
export function chooseMain(project: GoProject, wanted: string | undefined): string {
  const found = project.mainPackages;
  const listed = found.map(relativeArgument).join(', ');
  if (wanted !== undefined) {
    const dir = wanted.replace(/^\.\/?/, '').replace(/\/+$/, '') || '.';
    if (found.includes(dir)) return dir;
    throw new ScaffoldError(
      `--main ${wanted} is not a main package of this project${listed ? ` (found: ${listed})` : ''}`,
    );
  }
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    throw new ScaffoldError(
      'found no package main to build into an image: pass --main <dir> if it is behind build tags',
    );
  }
  throw new ScaffoldError(`found ${found.length} main packages (${listed}): choose one with --main <dir>`);
}

/** The binary's name as `go build` picks it: the directory's name, or a module root's path without /vN. */
export function binaryName(project: GoProject, mainDir: string): string {
  const root = project.modules.find((m) => m.dir === mainDir);
  const elements = (root ? root.path : mainDir).split('/');
  const last = elements.at(-1)!;
  return root && elements.length > 1 && /^v[0-9]+$/.test(last) ? elements.at(-2)! : last;
}
