import type { FastifyReply, FastifyRequest } from 'fastify';
import { InvalidPathError, InvalidVersionError } from '../gomod/errors.js';
import { BadRequestError, IntegrityError } from '../proxy/errors.js';
import { NotFoundError, UpstreamError } from '../sources/errors.js';

/** Storage failures that say "cannot store now", not "modgate is broken". */
const STORAGE_UNAVAILABLE = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EMFILE', 'ENFILE']);

/**
 * Maps a failure to what the go command needs: 404 or 410 with a one-paragraph text/plain reason, so that
 * `GOPROXY=modgate,direct` still falls through and go prints the reason. Only a bug in modgate is a 5xx.
 */
export function statusFor(err: unknown): { status: number; reason: string } | undefined {
  if (err instanceof IntegrityError) return { status: 410, reason: err.message };
  if (err instanceof NotFoundError) return { status: 404, reason: err.message };
  if (err instanceof UpstreamError)
    return { status: 404, reason: `cannot fetch from upstream now: ${err.message}` };
  if (
    err instanceof BadRequestError ||
    err instanceof InvalidPathError ||
    err instanceof InvalidVersionError
  ) {
    return { status: 404, reason: err.message };
  }
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code && STORAGE_UNAVAILABLE.has(code)) {
    return {
      status: 404,
      reason: `modgate cannot store this artifact now (${code}); try again later or fetch it directly`,
    };
  }
  return undefined;
}

export function sendReason(reply: FastifyReply, status: number, reason: string): FastifyReply {
  // Go drops a body that is not printable UTF-8 and stops at the first blank line: keep it one clean paragraph.
  const text = reason
    .replace(/[^\P{C}\t]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return reply
    .code(status)
    .header('content-type', 'text/plain; charset=utf-8')
    .header('cache-control', 'no-cache')
    .send(`${text}\n`);
}

/** Answers a failure the protocol way (404/410 with a reason), or rethrows it: anything unmapped is a bug. */
export function sendFailure(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const mapped = statusFor(err);
  if (!mapped) throw err;
  if (mapped.status !== 404) request.log.warn({ status: mapped.status, reason: mapped.reason }, 'refused');
  return sendReason(reply, mapped.status, mapped.reason);
}
