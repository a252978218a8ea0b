/** What a pattern's texts are computed from: the matched line, its error block and the module it names. */
export interface MatchContext {
  /** Named groups of the pattern's regex; absent groups are undefined. */
  groups: Record<string, string | undefined>;
  module?: string;
  version?: string;
  url?: string;
  /** The whole error block: go's error line and its continuation lines (server response, git output, hints). */
  block: readonly string[];
}

/** One failure class, recognised by go's own error text (ci-docker.md §6). */
export interface FailurePattern {
  id: string;
  title: string;
  /** Whether retrying the same command unchanged may succeed (network trouble), or the configuration must change. */
  transient: boolean;
  /**
   * `head` looks only at go's error line; `any` also at the lines that continue it. Proxy and network patterns
   * are `head` so that a proxy's quoted server response (which may itself contain git's or a network error) is
   * not mistaken for what happened on this machine.
   */
  where: 'head' | 'any';
  match: RegExp;
  cause(ctx: MatchContext): string;
  fix(ctx: MatchContext): string;
  /** Facts about the configuration that follow from Go's fallback and error-ranking rules. */
  infer?(ctx: MatchContext): string[];
}
