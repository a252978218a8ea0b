/**
 * The contract between doctor's parsers, rules, reporters and fixes. Rules are pure functions of a
 * project view; they never read the disk themselves, so fixtures can be in-memory and --fix can re-run
 * them over edited text.
 */

export type Severity = 'error' | 'warning' | 'info';

/** `input` is doctor's own family: files it was asked to read but could not (binary, too large, not UTF-8). */
export type RuleFamily = 'dockerfile' | 'dockerignore' | 'github' | 'gitlab' | 'env' | 'input';

/** 1-based line and column, as editors, SARIF and `file:line:col` print them. */
export interface Position {
  line: number;
  column: number;
}

export interface Location {
  /** POSIX path relative to the project root. */
  file: string;
  start: Position;
  end?: Position;
}

/** Replace `text[start, end)` (UTF-16 offsets into the file's current text) with `replacement`. */
export interface TextEdit {
  file: string;
  start: number;
  end: number;
  replacement: string;
}

/** A mechanical change that makes the finding go away; applied only by `doctor --fix`. */
export interface Fix {
  description: string;
  edits: TextEdit[];
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  /** What is wrong and why it matters, in one or two sentences. */
  message: string;
  location: Location;
  /** What to do, in words; present even when no autofix exists. */
  advice: string;
  fix?: Fix;
}

/** What a rule sees: the project's files as text, and a memo so each file is parsed once per run. */
export interface ProjectView {
  /** Absolute path of the directory being checked. */
  readonly root: string;
  /** Every regular file under the root, as sorted POSIX relative paths (`.git/` and `node_modules/` excluded). */
  readonly files: readonly string[];
  /** A file's text, or undefined when it does not exist or is not valid UTF-8 text. */
  text(file: string): string | undefined;
  /** Computes `make()` once per key for this view (parsed Dockerfiles, workflows, go.mod files...). */
  memo<T>(key: string, make: () => T): T;
  /** `go env -json` output supplied by the user (`--go-env FILE`), or the CI environment, if any. */
  readonly goEnv?: Readonly<Record<string, string>>;
  /** Where goEnv was read from (its path as the user gave it, and its text), so findings can point at a line. */
  readonly goEnvFile?: { readonly path: string; readonly text: string };
  /** Why text(file) is undefined for a file that exists (too large, binary, not UTF-8); undefined otherwise. */
  unreadable?(file: string): string | undefined;
  /** Directories that exist under the root but that files leaves out (`.git`, `node_modules`), as POSIX paths. */
  readonly skippedDirs?: readonly string[];
  /** GOPRIVATE-style patterns of modules the user declared private in the doctor config. */
  readonly privateModules?: string;
}

export interface Rule {
  /** Stable ID from the pitfall table: D1..D22, G1..G10, L1..L6, E1..E4. */
  readonly id: string;
  readonly family: RuleFamily;
  readonly defaultSeverity: Severity;
  /** A short title for listings and SARIF `shortDescription`. */
  readonly title: string;
  check(project: ProjectView): Finding[];
}
