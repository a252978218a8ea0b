/** The module, version and URL an error line is about, taken from the fixed shapes go prints them in. */
export interface Subject {
  module?: string;
  version?: string;
  url?: string;
}

// `path@version:` as printed by module.ModuleError and `verifying path@version[/go.mod]:`; a path has a dot in
// its first element, which keeps `user@host:` in git URLs and e-mail addresses out.
const MODULE_AT_VERSION =
  /(?:^|[\s"'(])([a-z0-9][-a-z0-9_.~]*\.[-a-z0-9_.~]+(?:\/[^\s@:"']+)?)@([^\s@:"']+?)(?:\/go\.mod)?(?=[:\s"')]|$)/i;
// `module path:` as printed by ModuleError when there is no version, and `... package path (imported by ...)`.
const MODULE_WORD = /\bmodule ([a-z0-9][-a-z0-9_.~]*\.[^\s:@"']+)(?::|$)/i;
const PACKAGE_WORD = /\bpackage ([a-z0-9][-a-z0-9_.~]*\.[^\s:@"'()]+)/i;
const URL_IN_TEXT = /\b(?:https?|file):\/\/[^\s"'<>]+/;

export function subjectOf(line: string): Subject {
  const subject: Subject = {};
  const atVersion = MODULE_AT_VERSION.exec(line);
  if (atVersion) {
    subject.module = atVersion[1];
    subject.version = atVersion[2];
  } else {
    const word = MODULE_WORD.exec(line) ?? PACKAGE_WORD.exec(line);
    if (word) subject.module = word[1];
  }
  const url = URL_IN_TEXT.exec(line);
  if (url) subject.url = url[0].replace(/[:,.;)]+$/, '');
  return subject;
}

/** The GOPROXY entry a proxy request went to: `https://p.example/x/m/@v/v1.0.0.mod` for module `m` → `https://p.example/x`. */
export function proxyBase(url: string, module?: string): string {
  const at = url.search(/\/@(?:v\/|latest)/);
  if (at < 0) return url;
  const beforeAt = url.slice(0, at);
  if (module) {
    const escaped = module.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
    if (beforeAt.endsWith(`/${escaped}`)) return beforeAt.slice(0, -escaped.length - 1);
  }
  return beforeAt;
}

/** The GOPRIVATE entry to suggest: the owner on the well-known forges, else the host (prefix match covers the rest). */
export function privatePrefix(module: string): string {
  const parts = module.split('/');
  const forge = ['github.com', 'gitlab.com', 'bitbucket.org', 'gitee.com'].includes(parts[0] ?? '');
  return parts.slice(0, forge && parts.length > 1 ? 2 : 1).join('/');
}

export function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}
