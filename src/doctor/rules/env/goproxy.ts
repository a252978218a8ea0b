/**
 * E1 (GOPROXY without `direct`: what the proxies cannot serve fails with 404/410 instead of being fetched
 * from its origin) and E2 (proxies joined by `,`, which falls through only on 404/410, so a proxy that is
 * down is never failed over).
 */
import { type ProxyEntry, parseProxyList } from '../../../gomod/proxy-list.js';
import type { Finding, ProjectView, Rule } from '../../model.js';
import { finding, insert, replace } from '../finding.js';
import { type EnvSetting, envSettings, rawValue } from './sources.js';

function parsed(setting: EnvSetting): ProxyEntry[] | undefined {
  try {
    return parseProxyList(setting.value);
  } catch {
    return undefined;
  }
}

function textOf(project: ProjectView, setting: EnvSetting): string {
  return project.text(setting.file) ?? '';
}

export const E1: Rule = {
  id: 'E1',
  family: 'env',
  defaultSeverity: 'warning',
  title: 'GOPROXY has no direct entry',
  check(project) {
    const findings: Finding[] = [];
    for (const setting of envSettings(project, ['GOPROXY'])) {
      const entries = parsed(setting);
      if (!entries || entries.length === 0 || entries.some((e) => e.kind !== 'proxy')) continue;
      const raw = rawValue(textOf(project, setting), setting);
      findings.push(
        finding(E1, {
          file: setting.file,
          index: setting.index,
          span: setting.span,
          message:
            `${setting.label}=${setting.value} has no \`direct\`: a module the proxies answer 404/410 for (every ` +
            'private module) fails with `reading https://…: 410 Gone` instead of being fetched from its origin.',
          advice:
            'Append `,direct` (or set GOPRIVATE for private modules, which go fetches directly). Leave it out only ' +
            'when the proxy is meant to be the single source, such as a company proxy that also serves private modules.',
          fix: raw && {
            description: 'append ,direct to GOPROXY',
            edits: [insert(setting.file, raw.end, ',direct')],
          },
        }),
      );
    }
    return findings;
  },
};

export const E2: Rule = {
  id: 'E2',
  family: 'env',
  defaultSeverity: 'info',
  title: 'GOPROXY proxies joined by `,` do not fail over',
  check(project) {
    const findings: Finding[] = [];
    for (const setting of envSettings(project, ['GOPROXY'])) {
      const entries = parsed(setting);
      if (!entries) continue;
      const noFailover = entries.flatMap((e, i) =>
        e.kind === 'proxy' && !e.fallBackOnError && entries[i + 1]?.kind === 'proxy' ? [i] : [],
      );
      if (noFailover.length === 0) continue;
      const raw = rawValue(textOf(project, setting), setting);
      const separators = [...setting.value.matchAll(/[,|]/g)].map((m) => m.index);
      // The k-th separator follows the k-th entry only when the list has no empty entries.
      const mappable = raw && separators.length === entries.length - 1;
      findings.push(
        finding(E2, {
          file: setting.file,
          index: setting.index,
          span: setting.span,
          message:
            `${setting.label}=${setting.value} joins proxies with \`,\`, which falls through only on 404/410: when ` +
            'the first proxy is down or times out (`proxyconnect`, `i/o timeout`), go fails instead of trying the next.',
          advice: 'Join proxies that should back each other up with `|` (fall through on any error).',
          fix: mappable
            ? {
                description: 'join the proxies with |',
                edits: noFailover.map((i) => {
                  const at = raw.start + separators[i]!;
                  return replace(setting.file, { start: at, end: at + 1 }, '|');
                }),
              }
            : undefined,
        }),
      );
    }
    return findings;
  },
};
