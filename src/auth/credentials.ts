/**
 * The token a client presents, the ways the go command can send one: HTTP Basic from `.netrc` or from
 * `GOPROXY=https://user:token@host` (the token is the password; a token given as the user name with an
 * empty password is accepted too), or `Authorization: Bearer <token>` from a Go 1.24 GOAUTH command.
 */
export function presentedToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const space = authorization.indexOf(' ');
  if (space < 0) return undefined;
  const scheme = authorization.slice(0, space).toLowerCase();
  const value = authorization.slice(space + 1).trim();
  if (scheme === 'bearer') return value || undefined;
  if (scheme !== 'basic') return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const password = decoded.slice(colon + 1);
  return password || decoded.slice(0, colon) || undefined;
}
