import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  type RegisteredSecret,
  readSecretRegistry,
  SECRET_KINDS,
  type SecretKind,
} from '../helpers/secret-registry.js';
import { CAPTURE_KINDS, type CaptureKind } from '../helpers/suite-artifacts.js';

/** One way a secret can be written down, and the text it then contains. */
export interface SecretForm {
  form: string;
  text: string;
}

export interface Finding {
  secret: RegisteredSecret;
  form: string;
  /** Relative to the artifacts directory. */
  file: string;
  line: number;
}

export interface ScanResult {
  secrets: RegisteredSecret[];
  /** Files and lines looked at, per kind of capture. */
  looked: Record<CaptureKind, { files: number; lines: number }>;
  findings: Finding[];
}

/**
 * The forms a leaked secret takes: as is, URL-encoded (in a logged URL), and inside base64 or base64url (an
 * Authorization: Basic header carries base64 of user:password). A secret inside base64 is encoded differently
 * for each of its 3 possible offsets; for each, the characters that depend on the secret's bytes alone.
 */
export function secretForms(value: string): SecretForm[] {
  const forms: SecretForm[] = [{ form: 'as is', text: value }];
  const add = (form: string, text: string) => {
    if (!forms.some((f) => f.text === text)) forms.push({ form, text });
  };
  add('URL-encoded', encodeURIComponent(value));
  const bytes = Buffer.from(value, 'utf8');
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // Character i holds bits 6i..6i+5: keep those that lie wholly within the secret's bits.
    const core = encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
    add('base64', core);
    add('base64url', core.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return forms;
}

/** Enough to tell secrets apart in a report, never the secret. */
export function maskSecret(value: string): string {
  return `${value.slice(0, 4)}... (${value.length} characters)`;
}

/**
 * Looks for every registered secret, in each of its forms, in every file captured under `dir` (see
 * test/helpers/suite-artifacts.ts), and counts what it looked at.
 */
export async function scanArtifacts(dir: string): Promise<ScanResult> {
  const secrets = [...new Map(readSecretRegistry(dir).map((s) => [s.value, s])).values()];
  const needles = new Map<string, { secret: RegisteredSecret; form: string }>();
  for (const secret of secrets)
    for (const { form, text } of secretForms(secret.value))
      if (!needles.has(text)) needles.set(text, { secret, form });
  // One pass of one regular expression per file: V8 matches hundreds of alternatives at tens of MB/s.
  const alternatives = [...needles.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = alternatives.length > 0 ? new RegExp(alternatives.join('|'), 'g') : undefined;
  const looked = Object.fromEntries(
    Object.keys(CAPTURE_KINDS).map((kind) => [kind, { files: 0, lines: 0 }]),
  ) as ScanResult['looked'];
  const findings: Finding[] = [];
  for (const kind of Object.keys(CAPTURE_KINDS) as CaptureKind[]) {
    const root = join(dir, 'captured', kind);
    const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      // latin1 maps each byte to one character, so binary files are searched byte for byte.
      const text = await readFile(path, 'latin1');
      looked[kind].files++;
      looked[kind].lines += countLines(text, text.length);
      for (const match of pattern ? text.matchAll(pattern) : []) {
        const { secret, form } = needles.get(match[0])!;
        findings.push({ secret, form, file: relative(dir, path), line: countLines(text, match.index) });
      }
    }
  }
  return { secrets, looked, findings };
}

/**
 * Why a scan proves nothing, if it does not: no secret registered, a kind of credential the suite configures
 * never registered, or a kind of output never captured (a helper that stopped registering or capturing).
 */
export function coverageProblems(result: ScanResult): string[] {
  const problems: string[] = [];
  const kinds = new Set<SecretKind>(result.secrets.map((s) => s.kind));
  for (const kind of SECRET_KINDS)
    if (!kinds.has(kind)) problems.push(`no ${kind} was registered by any test`);
  for (const [kind, description] of Object.entries(CAPTURE_KINDS) as [CaptureKind, string][])
    if (result.looked[kind].files === 0) problems.push(`nothing was captured of the ${description}`);
  if (result.looked.serve.lines === 0) problems.push('no log line of `modgate serve` was captured');
  return problems;
}

/** The report printed after the suite: what was looked at, then each leak (masked) or coverage problem. */
export function formatReport(result: ScanResult, problems: string[]): string {
  const looked = (Object.entries(result.looked) as [CaptureKind, { files: number; lines: number }][])
    .map(([kind, { files, lines }]) => `${kind} ${files} files/${lines} lines`)
    .join(', ');
  const lines = [
    `secret scan: ${result.secrets.length} secrets of ${new Set(result.secrets.map((s) => s.kind)).size} kinds, looked in ${looked}`,
  ];
  for (const f of result.findings)
    lines.push(
      `  LEAK: ${f.secret.kind} ${maskSecret(f.secret.value)} from ${f.secret.origin}, ${f.form}, in ${f.file} line ${f.line}`,
    );
  for (const problem of problems) lines.push(`  SCAN TOO THIN: ${problem}`);
  return lines.join('\n');
}

function countLines(text: string, end: number): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
