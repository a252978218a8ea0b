import type { Finding, Fix, Rule, TextEdit } from '../../model.js';
import type { YamlFile } from '../../parsers/ci/yaml-file.js';
import { findingAt } from '../finding.js';

/** What the CI rules pass to build a finding: the offending text span and the words around it. */
export interface FindingSpec {
  readonly range: readonly [number, number] | { readonly start: number; readonly end: number };
  readonly message: string;
  readonly advice: string;
  readonly fix?: Fix;
}

export function ciFinding(rule: Rule, file: YamlFile, spec: FindingSpec): Finding {
  const [start, end] = 'start' in spec.range ? [spec.range.start, spec.range.end] : spec.range;
  return findingAt(rule, { ...spec, location: file.location(start, end) });
}

/** A fix only when every edit could be made: a partial fix would leave the file half-changed. */
export function allEdits(
  description: string,
  edits: readonly (TextEdit | readonly TextEdit[] | undefined)[],
): Fix | undefined {
  if (edits.length === 0 || edits.some((edit) => edit === undefined)) return undefined;
  return { description, edits: (edits as (TextEdit | TextEdit[])[]).flat() };
}
