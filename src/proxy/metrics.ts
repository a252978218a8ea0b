import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * The proxy's own metrics. Labels never carry module paths or versions: those are unbounded, and for
 * private modules they are confidential.
 */
export interface ProxyMetrics {
  cache: Counter<'endpoint' | 'result'>;
  upstreamFetches: Counter<'endpoint' | 'outcome'>;
  upstreamSeconds: Histogram<'endpoint'>;
  integrityRefusals: Counter<'endpoint'>;
  checksumFailures: Counter<'database' | 'kind'>;
  sumdbRejections: Counter<'database' | 'kind' | 'source'>;
}

export function createProxyMetrics(registry: Registry): ProxyMetrics {
  return {
    cache: new Counter({
      name: 'modgate_cache_lookups_total',
      help: 'Cache lookups by endpoint and result (hit, miss, fresh, stale, stale-if-error, fetched, negative, local).',
      labelNames: ['endpoint', 'result'],
      registers: [registry],
    }),
    upstreamFetches: new Counter({
      name: 'modgate_upstream_fetches_total',
      help: 'Fetches of immutable artifacts from the upstream chain by outcome (stored, not_found, refused, error).',
      labelNames: ['endpoint', 'outcome'],
      registers: [registry],
    }),
    upstreamSeconds: new Histogram({
      name: 'modgate_upstream_fetch_seconds',
      help: 'Time to fetch, verify and store one artifact.',
      labelNames: ['endpoint'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    integrityRefusals: new Counter({
      name: 'modgate_integrity_refusals_total',
      help: 'Upstream artifacts refused because they failed verification (zip rules, go.mod path, recorded hash).',
      labelNames: ['endpoint'],
      registers: [registry],
    }),
    checksumFailures: new Counter({
      name: 'modgate_checksum_failures_total',
      help: 'Checksum database verifications that failed, by database (public, private) and kind (mismatch, or the security check a database failed: signature, fork, rollback, tile, record, missing-line).',
      labelNames: ['database', 'kind'],
      registers: [registry],
    }),
    sumdbRejections: new Counter({
      name: 'modgate_sumdb_rejected_answers_total',
      help: 'Answers of a proxied checksum database that failed verification, by database, kind (signature, fork, rollback, tile, record, missing-line, malformed, lookup) and source: upstream (refused, never stored) or stored (replaced by answers fetched and authenticated again).',
      labelNames: ['database', 'kind', 'source'],
      registers: [registry],
    }),
  };
}
