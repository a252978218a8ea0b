import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Dispatcher } from 'undici';
import { redactCredentials } from '../sources/proxy-url.js';
import { RoutedSource } from '../sources/routed-source.js';
import type { Source } from '../sources/source.js';
import { createUpstream } from '../sources/upstream.js';
import { type ChecksumDbSetting, parseChecksumDb } from './checksum-db-setting.js';
import { ConfigError } from './config.js';
import { createGitSource } from './git-settings.js';
import type { ServeConfig } from './settings.js';
import { isDatabaseName, parseSumdbList, type SumdbEntry } from './sumdb-list.js';
import { VERSION } from './version.js';

/** The settings of `serve` whose values have structure beyond their type, parsed and checked together. */
export interface ServeInputs {
  upstream: Source;
  sumdbs: SumdbEntry[];
  checksumDb: ChecksumDbSetting | 'off';
  privateDb: string | undefined;
  tls: { cert: Buffer; key: Buffer } | undefined;
}

/**
 * Parses them all, reporting the first bad one as a ConfigError that names the setting and the value (with
 * any credentials hidden: configuration errors end up in CI logs). Run in every process, so a bad value
 * stops the supervisor before any worker starts.
 */
export function parseServeInputs(config: ServeConfig, dispatcher: Dispatcher): ServeInputs {
  const sumdbs = parsed('sumdb', config.sumdb, parseSumdbList);
  // `direct` in either list is the git source; one serves both, so each repository is mirrored once.
  const git = parsed('git source (gitMappings, gitTokens, gitSshKey...)', '(hidden)', () =>
    createGitSource(config, resolve(config.data), dispatcher),
  );
  const chain = (offReason?: string) => (list: string) =>
    createUpstream(list, dispatcher, `modgate/${VERSION}`, { offReason, direct: git });
  const publicUpstream = parsed('upstream', config.upstream, chain());
  const privateUpstream = parsed(
    'privateUpstream',
    config.privateUpstream,
    chain(
      'this is a private module, and privateUpstream is "off": configure where private modules come from',
    ),
  );
  const checksumDb = parsed('checksumDb', config.checksumDb, parseChecksumDb);
  parsed('checksumDb', config.checksumDb, () => checkSameKey(checksumDb, sumdbs));
  return {
    upstream:
      config.private === ''
        ? publicUpstream
        : new RoutedSource(config.private, publicUpstream, privateUpstream),
    sumdbs,
    checksumDb,
    privateDb: parsed('privateChecksumDb', config.privateChecksumDb, (name) =>
      parsePrivateDbName(name, sumdbs),
    ),
    tls: parsed('tlsCert', config.tlsCert, () => readTls(config.tlsCert, config.tlsKey)),
  };
}

function parsed<T>(key: string, value: string, parse: (value: string) => T): T {
  try {
    return parse(value);
  } catch (err) {
    const detail = `${key} = ${JSON.stringify(value)}: ${(err as Error).message}`;
    throw new ConfigError(`invalid configuration:\n  - ${redactCredentials(detail)}`);
  }
}

/** One database, one key: the `sumdb` list may not name another key for the database ingest verifies against. */
function checkSameKey(checksumDb: ChecksumDbSetting | 'off', proxied: readonly SumdbEntry[]): void {
  if (checksumDb === 'off') return;
  const listed = proxied.find((db) => db.name === checksumDb.name && db.verifierKey !== undefined);
  if (listed && listed.verifierKey !== checksumDb.verifierKey)
    throw new Error(
      `the key of ${checksumDb.name} differs from the one in "sumdb" (${listed.verifierKey}); give the same key in both`,
    );
}

/** `off`, or a database name that no proxied database has. */
function parsePrivateDbName(name: string, proxied: readonly SumdbEntry[]): string | undefined {
  if (name === 'off') return undefined;
  if (!isDatabaseName(name) || name.includes('+'))
    throw new Error('expected a host name with an optional path, such as "sum.corp.example"');
  if (proxied.some((db) => db.name === name))
    throw new Error(
      `${name} is also in "sumdb", the databases modgate proxies; give the private one its own name`,
    );
  return name;
}

function readTls(certFile: string, keyFile: string): { cert: Buffer; key: Buffer } | undefined {
  if (certFile === '' && keyFile === '') return undefined;
  if (certFile === '' || keyFile === '')
    throw new Error('tlsCert and tlsKey go together: set both, or neither');
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(
        `cannot read the TLS ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
  };
  return { cert: read(certFile, 'certificate'), key: read(keyFile, 'key') };
}
