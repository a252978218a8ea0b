/**
 * Where a Go environment variable is set: ENV and ARG defaults in Dockerfiles (editable by --fix), the
 * user's `go env -json` (--go-env), and CI jobs' `env:`/`variables:`, each with a position to report.
 */
import { dockerfiles } from '../../docker/analysis.js';
import type { ProjectView } from '../../model.js';
import { type CiEnvScope, ciEnvScopes } from '../../parsers/ci/ci-env.js';
import type { Span } from '../../parsers/dockerfile.js';
import { TextIndex } from '../../text-index.js';

/** The proxy variables go's HTTP client honours (and BuildKit predefines as build ARGs). */
export const PROXY_VARIABLES = [
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'all_proxy',
];

export interface EnvSetting {
  name: string;
  /** The value as written (variables not expanded). */
  value: string;
  file: string;
  index: TextIndex;
  span: Span;
  /** The raw value in the file when --fix may edit it (Dockerfiles); undefined for go env output. */
  valueSpan: Span | undefined;
  /** `ENV GOPROXY`, `go env GOPROXY`, `jobs.build.env.GOPROXY`: how to name the setting in messages. */
  label: string;
  /** CI settings only: the jobs (GitHub: steps) whose commands run with this value, not hidden by another. */
  scopes?: CiEnvScope[];
}

/** Every place the project sets one of these variables. */
export function envSettings(project: ProjectView, names: readonly string[]): EnvSetting[] {
  const wanted = new Set(names);
  const settings: EnvSetting[] = [];
  for (const { file, parsed } of dockerfiles(project)) {
    for (const instruction of parsed.instructions) {
      if (instruction.keyword !== 'ENV' && instruction.keyword !== 'ARG') continue;
      for (const p of instruction.properties) {
        if (!wanted.has(p.name) || p.value === undefined) continue;
        settings.push({
          name: p.name,
          value: p.value,
          file,
          index: parsed.index,
          span: p.span,
          valueSpan: p.valueSpan,
          label: `${instruction.keyword} ${p.name}`,
        });
      }
    }
  }
  const goEnv = project.goEnv;
  if (goEnv) {
    const source = project.goEnvFile ?? { path: 'go env', text: '' };
    const index = new TextIndex(source.text);
    for (const name of names) {
      const value = goEnv[name];
      if (value === undefined || value === '') continue;
      const at = source.text.indexOf(`"${name}"`);
      const span = at < 0 ? { start: 0, end: 0 } : { start: at, end: at + name.length + 2 };
      settings.push({
        name,
        value,
        file: source.path,
        index,
        span,
        valueSpan: undefined,
        label: `go env ${name}`,
      });
    }
  }
  settings.push(...ciSettings(project, names));
  return settings;
}

/** CI values in effect somewhere, each once however many jobs or steps see it; `${{ }}`/`$VAR` values are left out. */
function ciSettings(project: ProjectView, names: readonly string[]): EnvSetting[] {
  const byPlace = new Map<string, EnvSetting>();
  for (const scope of ciEnvScopes(project)) {
    for (const name of names) {
      const variable = scope.env.get(name);
      if (!variable?.node || !variable.value) continue;
      const [start, end] = variable.node.range;
      const place = `${scope.file}:${start}`;
      const known = byPlace.get(place);
      if (known) {
        known.scopes!.push(scope);
        continue;
      }
      byPlace.set(place, {
        name,
        value: variable.value,
        file: scope.file,
        index: project.memo(`text-index:${scope.file}`, () => new TextIndex(variable.file.text)),
        span: { start, end },
        valueSpan: undefined,
        label: `${variable.where}.${name}`,
        scopes: [scope],
      });
    }
  }
  return [...byPlace.values()];
}

/** The raw value text when it maps 1:1 onto the value (no escapes), with the offset where the value begins. */
export function rawValue(text: string, setting: EnvSetting): { start: number; end: number } | undefined {
  if (!setting.valueSpan) return undefined;
  let { start, end } = setting.valueSpan;
  const raw = text.slice(start, end);
  if (raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw.at(-1) === raw[0]) {
    start++;
    end--;
  }
  return text.slice(start, end) === setting.value ? { start, end } : undefined;
}
