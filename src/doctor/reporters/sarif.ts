/**
 * SARIF 2.1.0, as GitHub code scanning (github/codeql-action/upload-sarif) reads it: one run, every rule in
 * tool.driver.rules, results with ruleIndex, 1-based regions relative to %SRCROOT%, and the autofix as a SARIF
 * fix (character offsets) where there is one.
 */
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Finding, Rule, Severity } from '../model.js';

const LEVEL: Record<Severity, Result.level> = { error: 'error', warning: 'warning', info: 'note' };

export function formatSarif(
  findings: readonly Finding[],
  rules: readonly Rule[],
  toolVersion: string,
): string {
  const descriptors: ReportingDescriptor[] = rules.map((rule) => ({
    id: rule.id,
    name: rule.id,
    shortDescription: { text: rule.title },
    defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
    properties: { family: rule.family },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const results: Result[] = findings.map((f) => {
    const { file, start, end } = f.location;
    const result: Result = {
      ruleId: f.ruleId,
      level: LEVEL[f.severity],
      message: { text: `${f.message} ${f.advice}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: encodeURI(file), uriBaseId: '%SRCROOT%' },
            region: {
              startLine: start.line,
              startColumn: start.column,
              ...(end ? { endLine: end.line, endColumn: end.column } : {}),
            },
          },
        },
      ],
    };
    const index = ruleIndex.get(f.ruleId);
    if (index !== undefined) result.ruleIndex = index;
    if (f.fix) {
      result.fixes = [
        {
          description: { text: f.fix.description },
          artifactChanges: groupByFile(f.fix.edits).map(([uri, edits]) => ({
            artifactLocation: { uri: encodeURI(uri), uriBaseId: '%SRCROOT%' },
            replacements: edits.map((e) => ({
              deletedRegion: { charOffset: e.start, charLength: e.end - e.start },
              insertedContent: { text: e.replacement },
            })),
          })),
        },
      ];
    }
    return result;
  });
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'modgate-doctor',
            version: toolVersion,
            informationUri: 'https://www.npmjs.com/package/modgate',
            rules: descriptors,
          },
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function groupByFile<T extends { file: string }>(edits: readonly T[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const e of edits) {
    const group = groups.get(e.file);
    if (group) group.push(e);
    else groups.set(e.file, [e]);
  }
  return [...groups];
}
