import type { Logger } from 'pino';
import { NotFoundError, UpstreamError } from '../sources/errors.js';
import type { SumdbClient } from '../sumdb/client.js';
import { SumdbNotFoundError, SumdbSecurityError, SumdbTransientError } from '../sumdb/client-errors.js';
import type { CheckedArtifact, ChecksumVerifier } from './checksum-verifier.js';
import { IntegrityError } from './errors.js';
import type { ProxyMetrics } from './metrics.js';

/**
 * Verifies public modules against a checksum database (sum.golang.org by default) through modgate's verifying
 * client, as the go command would: an artifact whose h1 the database does not record is never stored, so a
 * poisoned or rebuilt upstream cannot reach a build, not even one that runs with GONOSUMDB or GOFLAGS=-insecure.
 */
export class SumdbVerifier implements ChecksumVerifier {
  constructor(
    /** modgate's verifying client, or an AuthenticatedSumdb around it. */
    private readonly client: Pick<SumdbClient, 'name' | 'lookup'>,
    private readonly metrics: ProxyMetrics,
    private readonly logger: Logger,
  ) {}

  async verify(module: string, version: string, artifact: CheckedArtifact, h1: string): Promise<void> {
    const db = this.client.name;
    const what = `${module}@${version}`;
    let lines: string[];
    try {
      lines = await this.client.lookup(module, artifact === 'mod' ? `${version}/go.mod` : version);
    } catch (err) {
      if (err instanceof SumdbNotFoundError && err.url.includes('/lookup/')) {
        throw new NotFoundError(
          `checksum database ${db} has no record of ${what}, so modgate will not store it; if this is a private module, add its path to modgate's private patterns (like GOPRIVATE)`,
        );
      }
      if (err instanceof SumdbSecurityError) {
        this.metrics.checksumFailures.inc({ database: 'public', kind: err.kind });
        throw new UpstreamError(
          `cannot verify ${what}: checksum database ${db} gave answers that fail verification (${err.kind}); see modgate's log`,
        );
      }
      if (err instanceof SumdbTransientError || err instanceof SumdbNotFoundError) {
        throw new UpstreamError(`cannot verify ${what} now: checksum database ${db}: ${err.message}`);
      }
      throw err;
    }
    const recorded = lines.map((line) => line.split(' ')[2] ?? '');
    if (recorded.includes(h1)) return;
    this.metrics.checksumFailures.inc({ database: 'public', kind: 'mismatch' });
    this.logger.error(
      { module, version, artifact, database: db, recorded: recorded.join(' '), offered: h1 },
      'checksum mismatch: upstream bytes differ from the checksum database; nothing stored',
    );
    throw new IntegrityError(
      `checksum mismatch for ${what} ${artifact === 'mod' ? 'go.mod' : 'zip'}: the upstream served ${h1}, but checksum database ${db} records ${recorded.join(' ')}. The upstream proxy (or a cache in front of it) is serving altered or rebuilt content, or the version was re-tagged after it was published; modgate stored nothing`,
    );
  }
}
