import type { FastifyInstance } from 'fastify';
import type { AccessPolicy, Subject } from '../auth/access-policy.js';
import { presentedToken } from '../auth/credentials.js';
import type { Identity, TokenStore } from '../auth/token-store.js';
import { sendReason } from './errors.js';
import { requestSubject } from './request-subject.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The token's owner, when the request carried a valid token. */
    identity?: Identity;
  }
}

export interface AccessGateOptions {
  policy: AccessPolicy;
  tokens: TokenStore;
  /** What a valid token without the right scope gets: 403, or 404 to hide that the module exists. */
  deniedStatus: 403 | 404;
  /** Names served under /sumdb/, and the one that is modgate's own database. */
  sumdbNames: readonly string[];
  ownDb: string | undefined;
}

const CHALLENGE = ['Basic realm="modgate"', 'Bearer realm="modgate"'];

/**
 * Authenticates every request that carries a token and refuses, before any route runs, those the policy
 * does not allow: 401 with WWW-Authenticate (so `.netrc` users see why and GOAUTH retries with credentials),
 * or 403/404 for a token that may not read the module. Returns whether a path needs the gate, so the fast
 * lane in front of routing is used only for paths anyone may read.
 */
export function registerAccessGate(
  app: FastifyInstance,
  options: AccessGateOptions,
): (url: string) => boolean {
  const names = [...options.sumdbNames].sort((a, b) => b.length - a.length);
  const subjectOf = (url: string) => requestSubject(url, names, options.ownDb);
  app.decorateRequest('identity', undefined);
  app.addHook('onRequest', async (request, reply) => {
    const token = presentedToken(request.headers.authorization);
    let failure: string | undefined;
    if (token !== undefined) {
      const result = await options.tokens.authenticate(token);
      if (result.ok) request.identity = result.identity;
      else failure = result.reason;
    }
    // With no protected patterns, tokens matter only to the rate limiter: nothing to decide, no path to parse.
    if (!options.policy.enabled) return;
    const subject = subjectOf(request.raw.url ?? '/');
    const decision = options.policy.decide(subject, request.identity);
    if (decision === 'allow') return;
    if (decision === 'unauthenticated') {
      reply.header('www-authenticate', CHALLENGE);
      return sendReason(reply, 401, unauthenticatedReason(subject, failure));
    }
    return sendReason(
      reply,
      options.deniedStatus,
      `token ${request.identity!.name} may not read ${describe(subject)}; its scopes are ${request.identity!.scopes.join(', ')}`,
    );
  });
  // Without protected patterns every path is open: the fast lane need not even parse the path.
  return options.policy.enabled ? (url) => !options.policy.isOpen(subjectOf(url)) : () => false;
}

function describe(subject: Subject): string {
  if (subject.kind === 'module') return subject.path;
  if (subject.kind === 'all-modules') return "the checksum database's data tiles (they need the scope *)";
  return 'admin endpoints (they need the scope admin)';
}

function unauthenticatedReason(subject: Subject, failure: string | undefined): string {
  const what = `modgate needs a token to serve ${describe(subject)}`;
  if (failure === undefined)
    return `${what}, and none was sent: put it in ~/.netrc (machine <host:port as in GOPROXY> login token password <token>) or in GOPROXY as https://token:<token>@<host> (go sends credentials over https only)`;
  if (failure === 'malformed') return `${what}; the credentials sent are not a modgate token (mg_...)`;
  return `${what}; the token sent is ${failure === 'unknown' ? 'not known here' : failure}: ask for a new one (modgate token create)`;
}
