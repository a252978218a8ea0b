/**
 * `?go-get=1` discovery (cmd/go/internal/vcs: repoRootForImportDynamic, discovery.go): the page at
 * `https://<module path>?go-get=1` names the repository in `<meta name="go-import" content="prefix vcs repo">`.
 */
import { Parser } from 'htmlparser2';
import type { Dispatcher } from 'undici';
import { hasPathPrefix } from './code-repo.js';

export interface MetaImport {
  prefix: string;
  vcs: string;
  repoRoot: string;
}

/** Discovery failed: a not-found answer, with go's wording. */
export class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError';
}

/** The page is read up to here at most; meta tags live in the head. */
const MAX_PAGE_BYTES = 1 << 20;
const MAX_REDIRECTS = 10;

export interface DiscoveryOptions {
  dispatcher: Dispatcher;
  /** Plain http may be tried (after https fails) for this path: GOINSECURE. */
  insecure: (path: string) => boolean;
  /** Rejects a host that may not be contacted (a private address); called before every request and redirect. */
  checkHost?: (host: string) => Promise<void>;
}

/** The meta tag of `modPath`, checked against the prefix's own page when it names a shorter prefix. */
export async function discoverRepo(modPath: string, options: DiscoveryOptions): Promise<MetaImport> {
  const page = await fetchImports(
    modPath,
    options,
    (err) => `${options.insecure(modPath) ? 'http/' : ''}https fetch: ${err}`,
  );
  const mmi = matchGoImport(page.imports, modPath, page.url);
  if (mmi.prefix !== modPath) {
    // "uni.edu/bob/project" may claim the prefix "uni.edu": only uni.edu's own page can say so.
    const root = await fetchImports(mmi.prefix, options, (err) => `fetching ${mmi.prefix}: ${err}`);
    if (root.imports.length === 0) {
      throw new DiscoveryError(`fetching ${mmi.prefix}: no go-import meta tag found in ${root.url}`);
    }
    let again: MetaImport | undefined;
    try {
      again = matchGoImport(root.imports, modPath, root.url);
    } catch {
      again = undefined;
    }
    if (!again || again.prefix !== mmi.prefix || again.vcs !== mmi.vcs || again.repoRoot !== mmi.repoRoot) {
      throw new DiscoveryError(`${page.url} and ${root.url} disagree about go-import for ${mmi.prefix}`);
    }
  }
  let scheme: string;
  try {
    scheme = new URL(mmi.repoRoot).protocol;
  } catch {
    throw new DiscoveryError(`${page.url}: invalid repo root "${mmi.repoRoot}": no scheme`);
  }
  if (scheme === 'file:')
    throw new DiscoveryError(`${page.url}: invalid repo root "${mmi.repoRoot}": file scheme disallowed`);
  return mmi;
}

/** GETs `https://<path>?go-get=1` (then `http://` when insecure) and reads its go-import tags. */
async function fetchImports(
  path: string,
  options: DiscoveryOptions,
  describe: (err: string) => string,
): Promise<{ url: string; imports: MetaImport[] }> {
  const slash = path.indexOf('/');
  const host = slash < 0 ? path : path.slice(0, slash);
  if (!host.includes('.')) throw new DiscoveryError('import path does not begin with hostname');
  const rest = slash < 0 ? '/' : path.slice(slash);
  const insecure = options.insecure(path);
  let failure = '';
  for (const scheme of insecure ? ['https', 'http'] : ['https']) {
    const url = `${scheme}://${host}${rest}?go-get=1`;
    try {
      const page = await get(url, options, insecure);
      const imports = parseMetaGoImports(page.body);
      if (imports.length === 0 && page.status !== 200) {
        throw new DiscoveryError(`reading ${page.url}: ${page.status}`);
      }
      return { url: page.url, imports };
    } catch (err) {
      if (err instanceof DiscoveryError) throw err;
      failure = (err as Error).message;
    }
  }
  throw new DiscoveryError(describe(failure));
}

async function get(
  start: string,
  options: DiscoveryOptions,
  insecure: boolean,
): Promise<{ url: string; status: number; body: string }> {
  let url = new URL(start);
  for (let redirects = 0; ; redirects++) {
    await options.checkHost?.(url.hostname);
    const response = await options.dispatcher.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: 'GET',
      headers: { accept: 'text/html' },
    });
    const location = response.headers.location;
    if (response.statusCode >= 300 && response.statusCode < 400 && typeof location === 'string') {
      await response.body.dump();
      const next = new URL(location, url);
      if (redirects >= MAX_REDIRECTS) throw new Error(`${start}: stopped after ${MAX_REDIRECTS} redirects`);
      if (url.protocol === 'https:' && next.protocol !== 'https:' && !insecure) {
        throw new Error(`${start}: redirected to insecure URL ${next.href}`);
      }
      url = next;
      continue;
    }
    return { url: url.href, status: response.statusCode, body: await readLimited(response.body) };
  }
}

async function readLimited(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_PAGE_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The go-import tags of a page's head (parsing stops at `<body>` or `</head>`); `mod` entries first, and a
 * non-mod entry for a prefix that also has a mod entry dropped, as go does in module mode.
 */
export function parseMetaGoImports(html: string): MetaImport[] {
  const found: MetaImport[] = [];
  let done = false;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (done) return;
        if (name === 'body') {
          done = true;
          return;
        }
        if (name !== 'meta' || attributes.name !== 'go-import') return;
        const f = (attributes.content ?? '').split(/\s+/).filter(Boolean);
        if (f.length === 3) found.push({ prefix: f[0]!, vcs: f[1]!, repoRoot: f[2]! });
      },
      onclosetag(name) {
        if (name === 'head') done = true;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  const modPrefixes = new Set(found.filter((m) => m.vcs === 'mod').map((m) => m.prefix));
  return [
    ...found.filter((m) => m.vcs === 'mod'),
    ...found.filter((m) => m.vcs !== 'mod' && !modPrefixes.has(m.prefix)),
  ];
}

/** The one tag whose prefix is a path prefix of `path` (matchGoImport). */
export function matchGoImport(imports: readonly MetaImport[], path: string, pageUrl: string): MetaImport {
  let match: MetaImport | undefined;
  const mismatches: string[] = [];
  for (const im of imports) {
    if (!hasPathPrefix(path, im.prefix)) {
      mismatches.push(`meta tag ${im.prefix} did not match import path ${path}`);
      continue;
    }
    if (match) {
      // All the mod entries precede all the non-mod entries: a mod match wins.
      if (match.vcs === 'mod' && im.vcs !== 'mod') break;
      throw new DiscoveryError(`parse ${pageUrl}: multiple meta tags match import path "${path}"`);
    }
    match = im;
  }
  if (!match) throw new DiscoveryError(`parse ${pageUrl}: no go-import meta tags (${mismatches.join(', ')})`);
  return match;
}
