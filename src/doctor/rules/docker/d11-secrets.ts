/**
 * D11: credentials passed as ARG or ENV (kept in the image config and history) or written into git/netrc
 * configuration by a RUN without a secret mount. Where the ARG is only read by RUNs, the fix turns it into
 * a BuildKit secret mount (`--mount=type=secret,id=…,env=NAME`, Dockerfile syntax 1.10+).
 */
import { dockerfiles } from '../../docker/analysis.js';
import type { Finding, Fix, Rule, TextEdit } from '../../model.js';
import type { DockerInstruction, ParsedDockerfile } from '../../parsers/dockerfile.js';
import { shellCommands } from '../../parsers/shell.js';
import { finding, insert, lineBreak } from '../finding.js';

const SECRET_NAME =
  /(?:^|_)(?:TOKEN|SECRET|PASSWORD|PASSWD|PASS|CREDENTIALS?|APIKEY|API_KEY|PRIVATE_KEY|ACCESS_KEY|SECRET_KEY|AUTH|NETRC)(?:_|$)/i;
/** Token formats that are secrets whatever variable holds them. */
const LITERAL_TOKEN = /\b(?:ghp_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,})/;
/** Files that keep a credential written into them: they end up in the layer even with a secret mount. */
const CREDENTIAL_FILE = /\.netrc|\.git-credentials|\.gitconfig/;

/**
 * The secret-like variable a RUN writes into a file of the layer: `git config` (which writes ~/.gitconfig) or a
 * command whose words name .netrc/.git-credentials (`echo "machine … $TOKEN" > ~/.netrc`). A secret mount does
 * not help there: the mount is gone after the RUN, the written file is not.
 */
function credentialWrittenToLayer(script: string): string | undefined {
  for (const { argv } of shellCommands(script)) {
    const writesConfig =
      (argv[0] === 'git' && argv[1] === 'config' && !argv.includes('--unset')) ||
      argv.some((w) => CREDENTIAL_FILE.test(w));
    if (!writesConfig) continue;
    for (const word of argv) {
      for (const m of word.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) if (isSecretName(m[1]!)) return m[1];
    }
  }
  return undefined;
}

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

function references(instruction: DockerInstruction, text: string, name: string): boolean {
  return new RegExp(`\\$\\{?${name}\\b`).test(text.slice(instruction.span.start, instruction.span.end));
}

/** Dockerfile syntax of at least 1.10 (or the floating `:1`/`:latest`), which secret mounts with env= need. */
function supportsSecretEnv(parsed: ParsedDockerfile): 'yes' | 'no' | 'missing' {
  const syntax = parsed.directives.get('syntax')?.value;
  if (syntax === undefined) return 'missing';
  const version = /dockerfile:(\d+)(?:\.(\d+))?/.exec(syntax);
  if (!version) return syntax.includes('dockerfile') ? 'yes' : 'no';
  if (version[2] === undefined) return 'yes';
  return Number(version[1]) > 1 || Number(version[2]) >= 10 ? 'yes' : 'no';
}

/** ARG NAME (no default) read only by RUNs of its stage → secret mounts on those RUNs. */
function secretMountFix(
  file: string,
  parsed: ParsedDockerfile,
  arg: DockerInstruction,
  name: string,
): Fix | undefined {
  const stage = parsed.stages[arg.stage];
  if (!stage || arg.properties.length !== 1 || arg.properties[0]!.value !== undefined) return undefined;
  const support = supportsSecretEnv(parsed);
  if (support === 'no') return undefined;
  const start = parsed.index.position(arg.span.start);
  const end = parsed.index.position(arg.span.end);
  if (
    start.line !== end.line ||
    parsed.index.lineText(start.line).trim() !== parsed.text.slice(arg.span.start, arg.span.end).trim()
  ) {
    return undefined;
  }
  const later = stage.instructions.filter(
    (i) => i.span.start > arg.span.start && references(i, parsed.text, name),
  );
  if (later.length === 0 || later.some((i) => i.keyword !== 'RUN')) return undefined;
  const id = name.toLowerCase().replaceAll('_', '-');
  const edits: TextEdit[] = [
    {
      file,
      start: parsed.index.lineStart(start.line),
      end: parsed.index.lineEndWithBreak(start.line),
      replacement: '',
    },
    ...later.map((run) => insert(file, run.keywordEnd, ` --mount=type=secret,id=${id},env=${name}`)),
  ];
  if (support === 'missing')
    edits.push(insert(file, 0, `# syntax=docker/dockerfile:1${lineBreak(parsed.text)}`));
  return { description: `pass ${name} as a build secret (build with --secret id=${id},env=${name})`, edits };
}

export const D11: Rule = {
  id: 'D11',
  family: 'dockerfile',
  defaultSeverity: 'error',
  title: 'A credential is passed as ARG/ENV or baked into a layer',
  check(project) {
    const findings: Finding[] = [];
    for (const { file, parsed } of dockerfiles(project)) {
      for (const instruction of parsed.instructions) {
        if (instruction.keyword === 'ARG' || instruction.keyword === 'ENV') {
          for (const p of instruction.properties) {
            if (!isSecretName(p.name)) continue;
            const kept =
              instruction.keyword === 'ENV'
                ? 'is stored in the image config: anyone who can pull the image can read it'
                : 'is recorded in the image history and build provenance (`docker history` shows it)';
            const fix =
              instruction.keyword === 'ARG' ? secretMountFix(file, parsed, instruction, p.name) : undefined;
            findings.push(
              finding(D11, {
                file,
                index: parsed.index,
                span: p.span,
                message: `${instruction.keyword} ${p.name} looks like a credential; its value ${kept}.`,
                advice:
                  `Pass it as a build secret: \`RUN --mount=type=secret,id=${p.name.toLowerCase()},env=${p.name} go mod download\` ` +
                  `and \`docker build --secret id=${p.name.toLowerCase()},env=${p.name}\` (or a .netrc secret / an ssh mount).`,
                fix,
              }),
            );
          }
        }
        if (instruction.keyword === 'RUN') {
          const text = parsed.text.slice(instruction.span.start, instruction.span.end);
          const leaked = credentialWrittenToLayer(instruction.script);
          if (leaked || LITERAL_TOKEN.test(text)) {
            findings.push(
              finding(D11, {
                file,
                index: parsed.index,
                span: instruction.span,
                message: leaked
                  ? `this RUN writes ${leaked} into git or netrc configuration: the file keeps the credential in the layer, secret mount or not.`
                  : 'this RUN contains a literal access token: it stays in the layer and the Dockerfile.',
                advice:
                  'Mount the credential instead of writing it: `RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download`, ' +
                  'or a secret mount with env= plus `GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=url.https://x-access-token:$TOKEN@github.com/.insteadOf ' +
                  'GIT_CONFIG_VALUE_0=https://github.com/` on the go command, or `--mount=type=ssh` (see docs/rules/D11.md).',
              }),
            );
          }
        }
      }
    }
    return findings;
  },
};
