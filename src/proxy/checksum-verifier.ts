import { matchPrefixPatterns } from '../gomod/patterns.js';

/** The two checked artifacts: a version's go.mod (`M V/go.mod h1:`) and its zip (`M V h1:`). */
export type CheckedArtifact = 'mod' | 'zip';

/**
 * Checks a module artifact's h1 against a checksum database before it is stored. Resolves when the database
 * agrees (or has nothing to say about this module); rejects with IntegrityError when it records another hash,
 * with NotFoundError or UpstreamError when it cannot vouch for the version now.
 */
export interface ChecksumVerifier {
  verify(module: string, version: string, artifact: CheckedArtifact, h1: string): Promise<void>;
}

/**
 * Sends private modules (GOPRIVATE-style patterns) to the private database, if any, and everything else to
 * the public one, if any: a private module path never reaches a public checksum database.
 */
export class RoutedVerifier implements ChecksumVerifier {
  constructor(
    private readonly privatePatterns: string,
    private readonly publicDb: ChecksumVerifier | undefined,
    private readonly privateDb: ChecksumVerifier | undefined,
  ) {}

  async verify(module: string, version: string, artifact: CheckedArtifact, h1: string): Promise<void> {
    const db = matchPrefixPatterns(this.privatePatterns, module) ? this.privateDb : this.publicDb;
    await db?.verify(module, version, artifact, h1);
  }
}
