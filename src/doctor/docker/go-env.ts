/**
 * The effective Go environment at one point of a Dockerfile: what `go env` would print inside that RUN, derived
 * with Go's own precedence (process environment, then the GOENV file written by `go env -w`, then defaults
 * computed from HOME, GOPATH and XDG_* directories).
 */
import type { Span } from '../parsers/dockerfile.js';

/** One variable's value and where it came from, so messages can say why a path is what it is. */
export interface Setting {
  value: string;
  /** Human words: `ENV at line 5`, `golang image default`, `default: $GOPATH/pkg/mod`... */
  why: string;
  /** Where the Dockerfile set it, when it did. */
  span?: Span;
}

/** The state a Dockerfile builds up: ENV (inherited by later stages), ARG (per stage), USER, go env -w files. */
export interface EnvState {
  env: Map<string, Setting>;
  args: Map<string, Setting>;
  /** The USER in effect, as written (`app`, `1000:1000`). */
  user: Setting | undefined;
  /** The WORKDIR in effect (absolute), against which relative mount targets resolve. */
  workdir: string;
  /** GOENV file path → the settings `go env -w` wrote there. */
  goEnvFiles: Map<string, Map<string, Setting>>;
}

export const GO_ENV_KEYS = [
  'GOPATH',
  'GOMODCACHE',
  'GOCACHE',
  'GOFLAGS',
  'GOPROXY',
  'GOPRIVATE',
  'GONOPROXY',
  'GONOSUMDB',
  'GOSUMDB',
  'GOWORK',
  'GOTOOLCHAIN',
  'GOENV',
] as const;

export type GoEnvKey = (typeof GO_ENV_KEYS)[number];
export type GoEnv = Record<GoEnvKey | 'HOME', Setting>;

export function cloneState(state: EnvState): EnvState {
  return {
    env: new Map(state.env),
    args: new Map(state.args),
    user: state.user,
    workdir: state.workdir,
    goEnvFiles: new Map([...state.goEnvFiles].map(([k, v]) => [k, new Map(v)])),
  };
}

/** A variable as a RUN's process sees it: inline assignments, then ENV, then ARG. */
export function processVariable(
  state: EnvState,
  name: string,
  inline?: ReadonlyMap<string, Setting>,
): Setting | undefined {
  return inline?.get(name) ?? state.env.get(name) ?? state.args.get(name);
}

/** HOME of a user the way the container runtime sets it when the image does not set HOME itself. */
export function defaultHome(user: string | undefined): Setting {
  if (user === undefined || user === '' || user === 'root' || user === '0') {
    return { value: '/root', why: 'as for root' };
  }
  if (/^\d+$/.test(user)) {
    return {
      value: '/',
      why: `as for uid ${user}, which has no /etc/passwd entry unless the image adds one`,
    };
  }
  return { value: `/home/${user}`, why: `as adduser/useradd give user ${user}` };
}

export function goEnvFilePath(state: EnvState, inline?: ReadonlyMap<string, Setting>): string {
  const explicit = processVariable(state, 'GOENV', inline);
  if (explicit) return explicit.value;
  const config = processVariable(state, 'XDG_CONFIG_HOME', inline)?.value;
  return `${config || `${home(state, inline).value}/.config`}/go/env`;
}

function home(state: EnvState, inline?: ReadonlyMap<string, Setting>): Setting {
  return processVariable(state, 'HOME', inline) ?? defaultHome(state.user?.value.split(':')[0]);
}

/** Resolves every Go variable doctor reasons about, as `go env` would inside a RUN with this state. */
export function resolveGoEnv(state: EnvState, inline?: ReadonlyMap<string, Setting>): GoEnv {
  const homeDir = home(state, inline);
  const file = state.goEnvFiles.get(goEnvFilePath(state, inline));
  const explicit = (name: string): Setting | undefined => {
    const fromProcess = processVariable(state, name, inline);
    // Go ignores an empty environment value and falls back to the GOENV file, then the default.
    if (fromProcess && fromProcess.value !== '') return fromProcess;
    return file?.get(name);
  };
  const or = (name: string, value: string, why: string): Setting => explicit(name) ?? { value, why };
  const withHome = `HOME=${homeDir.value} ${homeDir.why}`;
  const gopath = or('GOPATH', `${trimSlash(homeDir.value)}/go`, `the default $HOME/go with ${withHome}`);
  const firstGopath = gopath.value.split(':')[0] ?? gopath.value;
  const cacheHome = explicit('XDG_CACHE_HOME');
  const goprivate = or('GOPRIVATE', '', 'unset');
  return {
    HOME: homeDir,
    GOPATH: gopath,
    GOMODCACHE: or(
      'GOMODCACHE',
      `${trimSlash(firstGopath)}/pkg/mod`,
      `the default $GOPATH/pkg/mod with GOPATH=${gopath.value} ${gopath.why}`,
    ),
    GOCACHE: cacheHome
      ? or('GOCACHE', `${trimSlash(cacheHome.value)}/go-build`, `the default $XDG_CACHE_HOME/go-build`)
      : or(
          'GOCACHE',
          `${trimSlash(homeDir.value)}/.cache/go-build`,
          `the default $HOME/.cache/go-build with ${withHome}`,
        ),
    GOFLAGS: or('GOFLAGS', '', 'unset'),
    GOPROXY: or('GOPROXY', 'https://proxy.golang.org,direct', 'go default'),
    GOPRIVATE: goprivate,
    GONOPROXY: or('GONOPROXY', goprivate.value, 'defaults to GOPRIVATE'),
    GONOSUMDB: or('GONOSUMDB', goprivate.value, 'defaults to GOPRIVATE'),
    GOSUMDB: or('GOSUMDB', 'sum.golang.org', 'go default'),
    GOWORK: or('GOWORK', '', 'unset: go looks for go.work in the parent directories'),
    GOTOOLCHAIN: or('GOTOOLCHAIN', 'auto', 'go default'),
    GOENV: { value: goEnvFilePath(state, inline), why: 'where go env -w writes' },
  };
}

function trimSlash(dir: string): string {
  return dir === '/' ? '' : dir.replace(/\/+$/, '');
}
