/**
 * E3: a corporate HTTP(S) proxy is configured but GOSUMDB is left at sum.golang.org. go asks each GOPROXY entry
 * for /sumdb/sum.golang.org/supported first and otherwise contacts sum.golang.org itself; behind a firewall
 * that fails with `verifying module: … sum.golang.org … i/o timeout`.
 */
import type { Finding, Rule } from '../../model.js';
import { finding } from '../finding.js';
import { type EnvSetting, envSettings, PROXY_VARIABLES } from './sources.js';

const SUMDB_VARIABLES = ['GOSUMDB', 'GONOSUMDB', 'GOPRIVATE'];

export const E3: Rule = {
  id: 'E3',
  family: 'env',
  defaultSeverity: 'info',
  title: 'Behind a proxy, the checksum database may be unreachable',
  check(project) {
    const findings: Finding[] = [];
    const proxies = envSettings(project, PROXY_VARIABLES);
    const sumdbFiles = new Set(envSettings(project, SUMDB_VARIABLES).map((s) => s.file));
    // A CI value is answered only where the same job (step) also sets one of them, expressions included.
    const answered = (setting: EnvSetting) =>
      setting.scopes
        ? setting.scopes.every((scope) => SUMDB_VARIABLES.some((name) => scope.env.has(name)))
        : sumdbFiles.has(setting.file);
    const seen = new Set<string>();
    for (const setting of proxies) {
      if (answered(setting) || seen.has(setting.file)) continue;
      seen.add(setting.file);
      findings.push(
        finding(E3, {
          file: setting.file,
          index: setting.index,
          span: setting.span,
          message:
            `${setting.label} routes traffic through a proxy, but GOSUMDB is left at sum.golang.org: unless a GOPROXY ` +
            'entry proxies the checksum database (/sumdb/), go contacts sum.golang.org itself, and behind a firewall ' +
            'fails with `verifying module: … sum.golang.org … i/o timeout`.',
          advice:
            'Use a GOPROXY that proxies /sumdb/ (modgate serve does), or set `GOSUMDB="sum.golang.org https://<proxy>/sumdb/sum.golang.org"`; ' +
            'put private modules in GOPRIVATE/GONOSUMDB.',
        }),
      );
    }
    return findings;
  },
};
