import type { FailurePattern, MatchContext } from './pattern.js';
import { hostOf, privatePrefix, proxyBase } from './subject.js';

/*
 * Failure classes, most specific first: an error block is explained by the first pattern that matches, so the
 * innermost cause wins (`invalid version: Get …: i/o timeout` is a timeout, not a bad version). The regexes are
 * the texts go prints (ci-docker.md §6, and go 1.23 output) with the variable parts left open.
 */

const subject = (c: MatchContext) =>
  c.module ? (c.version ? `${c.module}@${c.version}` : c.module) : 'the module';
const privateGlob = (c: MatchContext) => (c.module ? privatePrefix(c.module) : 'example.com/yourorg');
const proxyOf = (c: MatchContext) => (c.url ? proxyBase(c.url, c.module) : 'the proxy');
const isGoGet = (c: MatchContext) => c.url?.includes('?go-get=1') ?? false;
const isSumdbUrl = (url?: string) =>
  !!url && /\/lookup\/|\/tile\/|\/latest$|sum\.golang\.(org|google\.cn)/.test(url);

/** The proxy's quoted server response shows it tried to clone the repository itself and was refused. */
const proxyCouldNotClone = (c: MatchContext) =>
  /terminal prompts disabled|could not read Username|Repository not found/.test(c.block.slice(1).join(' '));

/** A failure on the way to a proxy or sumdb URL also says which GOPROXY rule stopped go from going on. */
function networkFacts(c: MatchContext): string[] {
  if (!c.url) return [];
  if (isGoGet(c)) {
    return [
      `go was resolving ${c.module ?? 'the import path'} directly (GOPROXY=direct, a direct entry, or GOPRIVATE/GONOPROXY matches it)`,
    ];
  }
  if (isSumdbUrl(c.url)) return sumdbFacts(c);
  return [
    `the failing request went to the GOPROXY entry ${proxyOf(c)}`,
    `a connection error is not 404/410, so a "," after ${proxyOf(c)} did not fall through to the next entry (only "|" does)`,
    'no direct attempt followed it: a direct error would have outranked this proxy error in the final message',
  ];
}

function sumdbFacts(c: MatchContext): string[] {
  return [
    `GOSUMDB is not off and GONOSUMDB/GOPRIVATE does not match ${c.module ?? 'the module'}: go asked the checksum database about it`,
  ];
}

export const PATTERNS: readonly FailurePattern[] = [
  {
    id: 'checksum-mismatch',
    title: 'Downloaded module does not match its recorded checksum (SECURITY ERROR)',
    transient: false,
    where: 'head',
    match: /verifying (?:[^\s@]+@\S+?|(?<db>module|go\.mod)): checksum mismatch/,
    cause: (c) =>
      c.groups.db
        ? `The bits served for ${subject(c)} differ from the hash the checksum database reports. Either a proxy or the origin serves different content than when the version was first published (a re-tagged version, a corrupting proxy or cache), or the download was tampered with.`
        : `The bits served for ${subject(c)} differ from the h1: hash recorded in go.sum. The version was re-tagged upstream, a proxy or cache serves different content than the first download, or go.sum was edited by hand.`,
    fix: (c) =>
      `Do not just delete the go.sum line. Find out which side changed: run \`go clean -modcache && GOFLAGS=-mod=mod GOPROXY=https://proxy.golang.org go mod download -json ${subject(c)}\` outside CI and compare the hashes. If a private proxy or a restored module cache is wrong, purge it; if the go.sum line is wrong, restore it from version control.`,
    infer: (c) => [
      c.groups.db
        ? 'GOSUMDB is on for this module (the mismatch was reported against the checksum database)'
        : 'go.sum already has a line for this module version (the mismatch was against go.sum)',
    ],
  },
  {
    id: 'modgate-checksum-refusal',
    title: 'modgate refused bytes that the checksum database contradicts',
    transient: false,
    where: 'any',
    match:
      /server response: checksum mismatch for \S+ (?<artifact>zip|go\.mod): the upstream served (?<offered>h1:\S+), but (?<db>.+?) (?:records|logged) (?<recorded>h1:[^\s.]+=*)/,
    cause: (c) =>
      `The modgate server at ${proxyOf(c)} fetched ${subject(c)} from its own upstream, but the ${c.groups.artifact} hash it got (${c.groups.offered}) is not the one ${c.groups.db} records (${c.groups.recorded}), so it stored nothing and refused it. An upstream proxy or cache behind modgate serves altered or rebuilt content, or the version was re-tagged after it was published.`,
    fix: () =>
      "Do not turn verification off. Find the upstream that serves the altered bytes (modgate's log line names both hashes) and purge or fix it; if the tag was moved, publish a new version instead.",
    infer: (c) => [
      `GOPROXY points at a modgate server (${proxyOf(c)}) that verifies at ingest`,
      `${c.groups.db} has a record for ${c.module ?? 'the module'}`,
    ],
  },
  {
    id: 'modgate-token-required',
    title: 'modgate needs a client token for this module',
    transient: false,
    where: 'any',
    match: /server response: modgate needs a token to serve \S+?[,;] (?<why>.*)$/,
    cause: (c) =>
      `The modgate server at ${proxyOf(c)} protects ${subject(c)} and ${/none was sent/.test(c.groups.why ?? '') ? 'go sent no token' : `the token go sent was refused (${c.groups.why?.replace(/:.*$/, '')})`}.`,
    fix: (c) =>
      `Give go a token with a scope covering ${c.module ?? 'the module'} (\`modgate token create\` on the server): a ~/.netrc line \`machine ${hostOf(c.url) ?? 'modgate.example.com'} login token password mg_...\` (the GOPROXY host with its port; in a Docker build, a secret mount at /root/.netrc), GOPROXY=https://token:mg_...@host, or a GOAUTH command on Go >= 1.24. go sends credentials over https only.`,
    infer: (c) => [`GOPROXY points at a modgate server (${proxyOf(c)}) started with --auth`],
  },
  {
    id: 'modgate-private-network',
    title: 'modgate refused to fetch a module from a private or local address',
    transient: false,
    where: 'any',
    match:
      /refusing to fetch from (?<host>\S+): it (?:is|resolves to) (?<address>\S+), a private or local address/,
    cause: (c) =>
      `The module path of ${subject(c)} leads to ${c.groups.host} (${c.groups.address}), inside a private network. modgate does not fetch from such addresses for a module path, so that a request cannot make it reach internal services (SSRF).`,
    fix: (c) =>
      `If ${c.groups.host} is your own git host, allow it on the modgate server (\`--git-allow-hosts ${c.groups.host}\`) or map the module to it explicitly (\`--git-mappings\`); otherwise the module path is wrong.`,
  },
  {
    id: 'proxyconnect-loopback',
    title: 'HTTP(S)_PROXY points at a loopback address that nothing listens on',
    transient: false,
    where: 'head',
    match:
      /proxyconnect tcp: dial tcp (?<addr>(?:127\.\d+\.\d+\.\d+|\[::1\]|localhost):\d+): connect: connection refused/,
    cause: (c) =>
      `go's HTTP client sends every request through the proxy from HTTPS_PROXY/HTTP_PROXY, here ${c.groups.addr}. Inside a container (docker build, a CI service container) 127.0.0.1 is the container itself, not the host where that proxy runs; docker passes HTTP(S)_PROXY into builds as predefined build args and from ~/.docker/config.json "proxies".`,
    fix: () =>
      'Point the proxy at the host instead (HTTPS_PROXY=http://host.docker.internal:PORT, with `--add-host=host.docker.internal:host-gateway` on Linux), build with `--network=host`, or clear it for the download step: `RUN HTTPS_PROXY= HTTP_PROXY= go mod download`.',
    infer: (c) => [
      `HTTPS_PROXY or HTTP_PROXY is set to ${c.groups.addr} in the environment of the go command`,
      'a proxy connection failure is not 404/410: go did not fall back to the next GOPROXY entry',
    ],
  },
  {
    id: 'http-proxy-unreachable',
    title: 'The HTTP(S)_PROXY proxy cannot be reached',
    transient: true,
    where: 'head',
    match: /proxyconnect tcp: (?:dial tcp (?<addr>\S+): )?(?<err>.+)$/,
    cause: (c) =>
      `go's HTTP client goes through the proxy from HTTPS_PROXY/HTTP_PROXY${c.groups.addr ? ` (${c.groups.addr})` : ''}, and connecting to it failed: ${c.groups.err}.`,
    fix: () =>
      'Check that the proxy in HTTPS_PROXY/HTTP_PROXY is reachable from where go runs, add the GOPROXY host to NO_PROXY if it should be reached directly, or unset the variables for the download step.',
    infer: (c) => [`HTTPS_PROXY or HTTP_PROXY is set${c.groups.addr ? ` to ${c.groups.addr}` : ''}`],
  },
  {
    id: 'tls-error',
    title: 'TLS failure talking to the module proxy or origin',
    transient: false,
    where: 'head',
    match:
      /(?<err>x509: [^"]+|tls: [^"]+|remote error: tls: [^"]+|http: server gave HTTP response to HTTPS client)$/,
    cause: (c) =>
      `The TLS connection to ${hostOf(c.url) ?? 'the server'} failed: ${c.groups.err}. Usually a TLS-intercepting corporate proxy whose CA is not trusted inside the image (missing ca-certificates in slim images), a plain-HTTP server addressed as https://, or a wrong system clock.`,
    fix: (c) =>
      c.groups.err?.startsWith('http: server gave')
        ? `Use http:// for ${hostOf(c.url) ?? 'that server'} in GOPROXY (go only speaks plain HTTP to a proxy written with http://).`
        : 'Install the CA in the image (`COPY corp-ca.crt /usr/local/share/ca-certificates/ && RUN update-ca-certificates`, or SSL_CERT_FILE=/path/ca.pem), or install ca-certificates. Do not use GOINSECURE/GOFLAGS=-insecure for public modules.',
    infer: (c) => networkFacts(c),
  },
  {
    id: 'sumdb-gone',
    title: 'Checksum database does not know the module (private module sent to the public sumdb)',
    transient: false,
    where: 'head',
    match:
      /verifying (?:module|go\.mod): .*reading (?<url>\S+\/lookup\/\S+): (?<status>404 Not Found|410 Gone)/,
    cause: (c) =>
      `go looked ${subject(c)} up in the checksum database and got ${c.groups.status}. The public sumdb only knows modules that proxy.golang.org can fetch, so a private module always fails this check.`,
    fix: (c) =>
      `Mark the module private so go skips the checksum database for it: \`ENV GOPRIVATE=${privateGlob(c)}\` in the Dockerfile (or \`GONOSUMDB=${privateGlob(c)}\` if it must still go through a proxy), or the same variable in the CI job's env.`,
    infer: (c) => [
      `GONOSUMDB/GOPRIVATE does not match ${c.module ?? 'the module'}`,
      'GOSUMDB is not off',
      `${c.module ?? 'the module'} is not public (the checksum database has no record of it)`,
    ],
  },
  {
    id: 'sumdb-unreachable',
    title: 'Checksum database unreachable',
    transient: true,
    where: 'head',
    match: /verifying (?:module|go\.mod): .*?(?<url>https?:\/\/[^\s"]+)"?: (?<err>.+)$/,
    cause: (c) =>
      `After downloading ${subject(c)} go checks it against the checksum database (${hostOf(c.url) ?? 'GOSUMDB'}), and that request failed: ${c.groups.err}. Typical behind a firewall that allows the module proxy but not sum.golang.org.`,
    fix: (c) =>
      `Let go reach the checksum database through your proxy (a GOPROXY that proxies /sumdb/, as proxy.golang.org and modgate do), use a reachable mirror (GOSUMDB=sum.golang.google.cn in mainland China), or, for private modules only, GONOSUMDB=${privateGlob(c)}.`,
    infer: (c) => [
      ...sumdbFacts(c),
      `${hostOf(c.url) ?? 'the checksum database'} is not reachable from this build`,
    ],
  },
  {
    id: 'dns-lookup-failed',
    title: 'DNS lookup failed',
    transient: true,
    where: 'head',
    match: /dial tcp: lookup (?<host>[^\s:]+)(?: on (?<resolver>\S+?))?: (?<err>.+)$/,
    cause: (c) =>
      `The name ${c.groups.host} could not be resolved${c.groups.resolver ? ` by ${c.groups.resolver}` : ''}: ${c.groups.err}. In docker builds the build container uses the daemon's DNS, which often differs from the host's (VPN, split DNS, systemd-resolved on 127.0.0.53).`,
    fix: (c) =>
      `Make ${c.groups.host} resolvable in the build (docker daemon "dns" setting, \`--network=host\`, or the CI runner's DNS), or use a GOPROXY whose name resolves there.`,
    infer: networkFacts,
  },
  {
    id: 'proxy-timeout',
    title: 'Request timed out',
    transient: true,
    where: 'head',
    match:
      /(?<err>i\/o timeout|Client\.Timeout exceeded[^"]*|TLS handshake timeout|context deadline exceeded|timeout awaiting response headers)/,
    cause: (c) =>
      `The request to ${hostOf(c.url) ?? 'the server'} timed out (${c.groups.err}). The host is blocked or unreachable from this network (firewall, no egress from the runner, a region where proxy.golang.org is blocked), or it is overloaded.`,
    fix: (c) =>
      `Use a GOPROXY reachable from this network (a company proxy, modgate, https://goproxy.cn in mainland China). To fail over on errors like this one, separate proxies with "|": GOPROXY=${proxyOf(c) === 'the proxy' ? 'https://proxy.golang.org' : proxyOf(c)}|https://goproxy.io,direct.`,
    infer: networkFacts,
  },
  {
    id: 'network-unreachable',
    title: 'Network unreachable (often IPv6 inside Docker)',
    transient: true,
    where: 'head',
    match:
      /dial tcp (?<addr>\S+): connect: (?<err>network is unreachable|cannot assign requested address|no route to host)/,
    cause: (c) =>
      `Connecting to ${c.groups.addr} failed: ${c.groups.err}. When the address is IPv6, the container has no IPv6 route although DNS returned AAAA records.`,
    fix: () =>
      'Enable IPv6 for the docker network, build with `--network=host`, or use a GOPROXY reachable over IPv4.',
    infer: networkFacts,
  },
  {
    id: 'proxy-connection-refused',
    title: 'Connection refused by the module proxy',
    transient: true,
    where: 'head',
    match: /dial tcp (?<addr>\S+): connect: connection refused/,
    cause: (c) =>
      isGoGet(c)
        ? `Resolving ${c.module ?? 'the import path'} directly, go could not connect to ${c.groups.addr}: connection refused.`
        : `Nothing accepts connections at ${c.groups.addr}, the address of ${proxyOf(c)}. The proxy is down, not started yet (a CI service container), or the address is wrong; 127.0.0.1 inside a container is the container itself.`,
    fix: (c) =>
      `Start the proxy before the go step or fix the address in GOPROXY. To survive a down proxy, use "|" instead of "," after it: GOPROXY=${proxyOf(c)}|https://proxy.golang.org,direct.`,
    infer: networkFacts,
  },
  {
    id: 'connection-reset',
    title: 'Connection reset or cut short',
    transient: true,
    where: 'head',
    match: /Get "(?<url>[^"]+)": (?:.*(?<err>connection reset by peer)|(?<eof>(?:unexpected )?EOF)$)/,
    cause: (c) =>
      `The connection to ${hostOf(c.url) ?? 'the server'} was closed before the response was complete (${c.groups.err ?? c.groups.eof}): an overloaded proxy, a middlebox dropping long downloads, or a flaky network.`,
    fix: (c) =>
      `Retry the step; for a lasting fix add a second proxy after "|" (GOPROXY=${proxyOf(c)}|https://proxy.golang.org,direct) or a caching proxy next to the runners.`,
    infer: networkFacts,
  },
  {
    id: 'proxy-server-error',
    title: 'Module proxy answered with a server error',
    transient: true,
    where: 'head',
    match: /reading (?<url>[a-z]+:\/\/\S+): (?<status>(?:5\d\d|429)\b.*)$/,
    cause: (c) =>
      `${proxyOf(c)} answered ${c.groups.status} for ${subject(c)}. Only 404 and 410 let go try the next entry of a ","-separated GOPROXY, so this error ended the lookup.`,
    fix: (c) =>
      `Retry; if the proxy stays broken, fix it or fail over with "|": GOPROXY=${proxyOf(c)}|https://proxy.golang.org,direct.`,
    infer: (c) => [
      `the GOPROXY entry ${proxyOf(c)} answered ${c.groups.status}, which is not 404/410`,
      `${proxyOf(c)} is followed by "," or is the last entry: go stopped there instead of trying the next one`,
    ],
  },
  {
    id: 'proxy-auth-required',
    title: 'Module proxy refused access',
    transient: false,
    where: 'head',
    match: /reading (?<url>[a-z]+:\/\/\S+): (?<status>(?:401|403|407)\b.*)$/,
    cause: (c) =>
      `${proxyOf(c)} answered ${c.groups.status} for ${subject(c)}: it needs credentials that this environment does not send.`,
    fix: (c) =>
      // go matches the netrc machine against the URL's host including any port, and sends it over https only.
      `Give go the credentials for ${hostOf(c.url) ?? 'the proxy'}: a ~/.netrc line \`machine ${hostOf(c.url) ?? 'proxy.example.com'} login USER password TOKEN\` (the machine is the GOPROXY host with its port, if any; go sends it over https only; in a Docker build mount it as a secret: \`RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download\`), or GOAUTH on Go >= 1.24.`,
    infer: (c) => [`the GOPROXY entry ${proxyOf(c)} requires authentication`],
  },
  {
    id: 'proxy-not-found-no-direct',
    title: 'Module proxy has no such module, and go did not fall back to direct',
    transient: false,
    where: 'head',
    match: /reading (?<url>[a-z]+:\/\/\S+): (?<status>404 Not Found|410 Gone)$/,
    cause: (c) => {
      return `${proxyOf(c)} answered ${c.groups.status} for ${subject(c)}, and that was go's final error. 404/410 is the lowest-ranked error: had a direct entry run after it, its error would have been reported instead. ${proxyCouldNotClone(c) ? 'The proxy itself tried to clone the repository and could not: it is private, and a public proxy can never serve it.' : 'The module is private, the version does not exist, or the proxy has not got it.'}`;
    },
    fix: (c) =>
      `For a private module: \`ENV GOPRIVATE=${privateGlob(c)}\` (it implies GONOPROXY and GONOSUMDB) plus git credentials for its host. Otherwise let go fall back to the origin: GOPROXY=${proxyOf(c)},direct.`,
    infer: (c) => [
      `GOPROXY has no direct entry after ${proxyOf(c)} (the final error came from a proxy with ${c.groups.status?.slice(0, 3)})`,
      `GOPRIVATE/GONOPROXY does not match ${c.module ?? 'the module'} (else go would not have asked a proxy)`,
      ...(proxyCouldNotClone(c)
        ? [`${c.module ?? 'the module'} is private: the proxy's own git clone needed credentials`]
        : []),
    ],
  },
  {
    id: 'module-lookup-disabled',
    title: 'Module lookup disabled by GOPROXY=off or GONOPROXY',
    transient: false,
    where: 'head',
    match: /(?<what>module lookup disabled by GOPROXY=off|disabled by GOPRIVATE\/GONOPROXY)/,
    cause: (c) =>
      c.groups.what?.includes('GOPROXY=off')
        ? `GOPROXY=off forbids downloading, and ${subject(c)} is not in the module cache (or vendor/).`
        : `${subject(c)} matches GOPRIVATE/GONOPROXY, so it may only be fetched directly, but GOPROXY has no direct entry.`,
    fix: (c) =>
      c.groups.what?.includes('GOPROXY=off')
        ? 'Restore the module cache before this step (or run `go mod download` with network access first), or set GOPROXY for this step.'
        : `Add direct to GOPROXY (GOPROXY=https://proxy.golang.org,direct) or remove ${subject(c)} from GONOPROXY.`,
    infer: (c) => [
      c.groups.what?.includes('GOPROXY=off')
        ? 'GOPROXY=off'
        : `GOPRIVATE or GONOPROXY matches ${c.module ?? 'the module'} and GOPROXY has no direct entry`,
    ],
  },
  {
    id: 'goproxy-invalid',
    title: 'GOPROXY value is invalid',
    transient: false,
    where: 'head',
    match:
      /(?<err>GOPROXY list is not the empty string, but contains no entries|invalid proxy URL (?:missing scheme|scheme \(must be https, http, file\)): \S+)/,
    cause: (c) => `go could not parse GOPROXY: ${c.groups.err}.`,
    fix: () =>
      'Set GOPROXY to a list of URLs, "direct" or "off" separated by "," or "|", e.g. GOPROXY=https://proxy.golang.org,direct (check for stray quotes in the Dockerfile ENV or CI variable).',
  },
  {
    id: 'git-terminal-prompts-disabled',
    title: 'git needs credentials for a private repository and may not prompt',
    transient: false,
    where: 'any',
    match:
      /fatal: could not read (?<what>Username|Password) for '(?<host>[^']+)': terminal prompts disabled|fatal: Cannot prompt because user interactivity has been disabled/,
    cause: (c) =>
      `go cloned ${c.module ?? 'the module'} with git${c.groups.host ? ` from ${c.groups.host}` : ''}, the server asked for credentials, and go runs git with GIT_TERMINAL_PROMPT=0 so it cannot ask. No credential (netrc, credential helper, insteadOf URL with a token, SSH key) is configured for that host in this environment.`,
    fix: (c) =>
      `Give git credentials without baking them into the image: \`RUN --mount=type=secret,id=gh_token sh -c 'git config --global url."https://x-access-token:$(cat /run/secrets/gh_token)@${hostOf(c.groups.host) ?? 'github.com'}/".insteadOf "https://${hostOf(c.groups.host) ?? 'github.com'}/" && go mod download'\`, or a netrc secret mount, or \`--mount=type=ssh\` with insteadOf to ssh. Also set GOPRIVATE=${privateGlob(c)} so the public proxy and sumdb are skipped.`,
    infer: (c) => [
      `go fetched ${c.module ?? 'the module'} directly with git (GOPROXY=direct, a direct fallback, or GOPRIVATE/GONOPROXY matches it)`,
      `no git credentials are configured for ${hostOf(c.groups.host) ?? c.groups.host ?? 'that host'}`,
    ],
  },
  {
    id: 'git-could-not-read-username',
    title: 'git could not ask for a username (no terminal, no credential helper)',
    transient: false,
    where: 'any',
    match: /fatal: could not read (?<what>Username|Password) for '(?<host>[^']+)': (?<err>.+)$/,
    cause: (c) =>
      `git needed credentials for ${c.groups.host} and could not get them: ${c.groups.err}. There is no terminal in a build, and the configured credential helper (often docker-credential-desktop copied from a developer machine) failed.`,
    fix: (c) =>
      `Provide a token through a build secret and insteadOf (\`git config --global url."https://TOKEN@${hostOf(c.groups.host) ?? 'host'}/".insteadOf "https://${hostOf(c.groups.host) ?? 'host'}/"\`) or a netrc secret mount; set GOPRIVATE=${privateGlob(c)}.`,
    infer: (c) => [`no usable git credentials for ${c.groups.host}`],
  },
  {
    id: 'git-ssh-auth',
    title: 'git over SSH was refused',
    transient: false,
    where: 'any',
    match: /(?<err>Permission denied \(publickey[^)]*\)|Host key verification failed)/,
    cause: (c) =>
      `git fetched ${c.module ?? 'the module'} over SSH and the connection failed: ${c.groups.err}. The build has no SSH agent/key for that host or no known_hosts entry.`,
    fix: () =>
      'Forward the agent into the build: `RUN --mount=type=ssh mkdir -p ~/.ssh && ssh-keyscan github.com >> ~/.ssh/known_hosts && go mod download` with `docker build --ssh default`.',
  },
  {
    id: 'git-repository-not-found',
    title: 'git repository not found (or not visible with these credentials)',
    transient: false,
    where: 'any',
    match: /(?:remote: Repository not found|fatal: repository '(?<repo>[^']+)' not found)/,
    cause: (c) =>
      `The git host says ${c.groups.repo ?? 'the repository'} does not exist. Private repositories look like this to clients without access.`,
    fix: (c) =>
      `Check the module path spelling, and give the build credentials that can read the repository; set GOPRIVATE=${privateGlob(c)}.`,
  },
  {
    id: 'unknown-revision',
    title: 'Version or revision does not exist in the repository',
    transient: false,
    where: 'head',
    match: /(?:^|: )unknown revision (?<rev>\S+)/,
    cause: (c) =>
      `The repository of ${c.module ?? 'the module'} has no tag, branch or commit ${c.groups.rev}. The tag was never pushed, was deleted, or is in a subdirectory module and needs a prefix (sub/v1.2.3).`,
    fix: (c) =>
      `Push the tag (\`git push origin ${c.groups.rev}\`) or require a version that exists (\`go list -m -versions ${c.module ?? 'MODULE'}\`, then \`go get ${c.module ?? 'MODULE'}@VERSION\`).`,
  },
  {
    id: 'module-path-mismatch',
    title: 'Module declares a different path than it was required as',
    transient: false,
    where: 'any',
    match: /module declares its path as: (?<declared>\S+)/,
    cause: (c) =>
      `The go.mod of the downloaded module says \`module ${c.groups.declared}\`, not the path it was required as. The repository was renamed or forked.`,
    fix: (c) =>
      `Require ${c.groups.declared} instead, or keep the old path with \`replace OLD => ${c.groups.declared} VERSION\` in go.mod.`,
  },
  {
    id: 'invalid-version',
    title: 'Invalid version',
    transient: false,
    where: 'head',
    match: /@(?<ver>[^\s:]+): invalid (?<noun>version|pseudo-version): (?<err>.+)$/,
    cause: (c) =>
      `go rejected ${c.groups.noun} ${c.groups.ver} of ${c.module ?? 'the module'}: ${c.groups.err}.`,
    fix: (c) =>
      /major version/.test(c.groups.err ?? '')
        ? 'Use the /vN module path the go.mod of that version declares, or a v0/v1 version.'
        : `Require a version that exists: \`go list -m -versions ${c.module ?? 'MODULE'}\`.`,
  },
  {
    id: 'missing-go-sum-entry',
    title: 'go.sum lacks an entry (and the build may not add it)',
    transient: false,
    where: 'head',
    match: /missing go\.sum entry|updates to go\.sum needed, disabled by -mod=readonly/,
    cause: () =>
      'go.sum does not record the hash of a module the build needs, and under -mod=readonly (the default) go refuses to add it. go.sum was not committed, not copied into the image (a COPY without go.sum, or .dockerignore), or is out of date with go.mod.',
    fix: (c) => {
      const hint = c.block.find((l) => /^\s*go (?:get|mod download)\b/.test(l))?.trim();
      return `Run ${hint ? `\`${hint}\`` : '`go mod tidy`'} locally and commit go.sum; in the Dockerfile copy both files before downloading: \`COPY go.mod go.sum ./\`.`;
    },
    infer: () => ['go.sum is missing, not copied into the build, or stale'],
  },
  {
    id: 'toolchain-too-new',
    title: 'go.mod needs a newer Go than the one installed',
    transient: false,
    where: 'head',
    match: /(?<file>\S+) requires go >= (?<need>\S+) \(running go (?<have>[^;)]+)(?:; (?<why>[^)]*))?\)/,
    cause: (c) =>
      `${c.groups.file} requires go ${c.groups.need}, this is go ${c.groups.have}${c.groups.why ? ` (${c.groups.why})` : ''}, and GOTOOLCHAIN forbids downloading a newer toolchain.`,
    fix: (c) =>
      `Use a newer base image (\`FROM golang:${c.groups.need?.split('.').slice(0, 2).join('.')}\`) or setup-go with \`go-version-file: go.mod\`; or allow the download with GOTOOLCHAIN=auto (then cache GOMODCACHE, which holds the toolchain).`,
    infer: (c) => [
      `go ${c.groups.have} is installed; ${c.groups.file} needs ${c.groups.need}`,
      ...(c.groups.why?.includes('GOTOOLCHAIN=') ? [`${c.groups.why.match(/GOTOOLCHAIN=\S+/)?.[0]}`] : []),
    ],
  },
  {
    id: 'toolchain-download-failed',
    title: 'Downloading the Go toolchain failed',
    transient: false,
    where: 'head',
    match: /(?:^|go: )download (?<tc>go1\.[^\s:]*?)(?: for (?<platform>[^\s:]+))?: (?<err>.+)$/,
    cause: (c) =>
      `go.mod asks for ${c.groups.tc}, so go tried to download that toolchain (module golang.org/toolchain through GOPROXY) and failed: ${c.groups.err}.`,
    fix: (c) =>
      `Install ${c.groups.tc} in the image (\`FROM golang:${c.groups.tc?.replace(/^go/, '')}\`), or make golang.org/toolchain reachable through GOPROXY; GOTOOLCHAIN=local stops the download attempt.`,
    infer: () => ['GOTOOLCHAIN allows switching (auto or a +auto/+path value)'],
  },
  {
    id: 'inconsistent-vendoring',
    title: 'vendor/ does not match go.mod',
    transient: false,
    where: 'head',
    match:
      /inconsistent vendoring in (?<dir>\S+?):?$|import lookup disabled by -mod=vendor|updates to go\.mod needed, disabled by -mod=vendor/,
    cause: () =>
      'A vendor/ directory exists (so go ≥1.14 builds with -mod=vendor), but it is stale, partial, or was excluded from the build context by .dockerignore.',
    fix: () =>
      'Run `go mod vendor` and commit vendor/, keep vendor/ out of .dockerignore; or drop vendoring and build with `-mod=mod`/`-mod=readonly`.',
  },
  {
    id: 'workspace-mod-flag',
    title: '-mod=mod is not allowed in workspace mode',
    transient: false,
    where: 'head',
    match:
      /-mod may only be set to readonly or vendor when in workspace mode, but it is set to "(?<mode>[^"]+)"/,
    cause: (c) =>
      `A go.work file puts go in workspace mode, where -mod=${c.groups.mode} (usually from GOFLAGS) is refused.`,
    fix: () => 'Set `GOWORK=off` for the build (`ENV GOWORK=off`), or remove -mod=mod from GOFLAGS.',
    infer: (c) => [`GOFLAGS (or the command line) has -mod=${c.groups.mode}`, 'a go.work file is in effect'],
  },
  {
    id: 'go-work-module-missing',
    title: 'A module listed in go.work is not there (cannot load module listed in go.work)',
    transient: false,
    where: 'head',
    match: /cannot load module (?<dir>\S+) listed in go\.work file: (?<err>.+)$/,
    cause: (c) =>
      `go.work uses ${c.groups.dir}, which is missing here (${c.groups.err}). Typical in Docker when only one module of a monorepo is copied into the build context.`,
    fix: () =>
      'Build with `ENV GOWORK=off` (and give each module a complete go.sum), add go.work to .dockerignore, or copy every module go.work uses.',
    infer: (c) => [`${c.groups.dir} is not in the build context`],
  },
  {
    id: 'replacement-directory-missing',
    title: 'replace directive points at a missing directory',
    transient: false,
    where: 'head',
    match: /replacement directory (?<dir>\S+) does not exist/,
    cause: (c) =>
      `go.mod replaces a module with the local directory ${c.groups.dir}, which is not there, usually because it lies outside the docker build context.`,
    fix: () =>
      'Widen the build context to the repository root (`docker build -f svc/Dockerfile .`), use a named context (`--build-context`), or drop the replace for builds.',
  },
  {
    id: 'cache-permission-denied',
    title: 'Go build cache not writable',
    transient: false,
    where: 'head',
    match:
      /disabling cache \((?<dir>[^)]+)\) due to initialization failure: (?<err>.+)$|cannot use modules with build cache disabled/,
    cause: (c) =>
      `go cannot write its build cache${c.groups.dir ? ` ${c.groups.dir}` : ''}${c.groups.err ? ` (${c.groups.err})` : ''}: a cache mount owned by root used by a non-root USER, or HOME unset.`,
    fix: () =>
      'Add uid/gid to the cache mount (`--mount=type=cache,target=/home/app/.cache/go-build,uid=1000,gid=1000`) or set GOCACHE to a writable directory.',
  },
];
