import { matchPrefixPatterns } from '../gomod/patterns.js';
import type { Identity } from './token-store.js';
import { ADMIN_SCOPE } from './tokens.js';

/** What a request is about, as far as access goes. */
export type Subject =
  | { kind: 'module'; path: string } // a module's list, latest, info, mod, zip or checksum lookup
  | { kind: 'all-modules' } // modgate's checksum-database data tiles, which name every logged module
  | { kind: 'admin' } // /metrics
  | { kind: 'open' }; // health checks, and checksum-database hashes that name nothing

export type Decision = 'allow' | 'unauthenticated' | 'forbidden';

/**
 * Who may read what. Modules matching the protected patterns (GOPRIVATE syntax; `*` for all) need a token
 * with a scope pattern matching the module; other modules stay anonymous. Admin endpoints need the `admin`
 * scope whenever protection is on. With no protected patterns everything is open, as before tokens existed.
 */
export class AccessPolicy {
  constructor(private readonly protectedPatterns: string) {}

  get enabled(): boolean {
    return this.protectedPatterns !== '';
  }

  /** Whether the subject can be served without looking at credentials at all. */
  isOpen(subject: Subject): boolean {
    if (!this.enabled || subject.kind === 'open') return true;
    return subject.kind === 'module' && !matchPrefixPatterns(this.protectedPatterns, subject.path);
  }

  decide(subject: Subject, identity: Identity | undefined): Decision {
    if (this.isOpen(subject)) return 'allow';
    if (!identity) return 'unauthenticated';
    const modulePatterns = identity.scopes.filter((s) => s !== ADMIN_SCOPE).join(',');
    switch (subject.kind) {
      case 'module':
        return matchPrefixPatterns(modulePatterns, subject.path) ? 'allow' : 'forbidden';
      case 'all-modules':
        return identity.scopes.includes('*') ? 'allow' : 'forbidden';
      default:
        return identity.scopes.includes(ADMIN_SCOPE) ? 'allow' : 'forbidden';
    }
  }
}
