import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { matchPrefixPatterns } from '../gomod/patterns.js';

/**
 * Addresses a module path must not make modgate connect to: loopback, link-local (cloud metadata at
 * 169.254.169.254), private and shared ranges, and the unspecified, multicast and reserved ones. A module
 * path is chosen by whoever sends a request; without this, `go get evil.example/x` whose go-import tag or DNS
 * points inside the network would make modgate fetch from there (SSRF).
 */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family !== 6) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? BLOCKED.check(mapped[1]!, 'ipv4') : BLOCKED.check(address, 'ipv6');
}

/** A host a module path led to that resolves into the private network. */
export class PrivateNetworkError extends Error {
  override readonly name = 'PrivateNetworkError';
}

/**
 * Checks hosts that module paths lead to (through go's known hosts, `.git` paths or `?go-get=1` tags) before
 * modgate connects to them. `allowHosts` (GOPRIVATE-style patterns over host names) lists internal hosts
 * that may be reached anyway; repositories named in explicit mappings are the operator's choice and are not
 * checked.
 */
export class PrivateNetworkGuard {
  constructor(
    private readonly allowHosts: string,
    private readonly resolve: (host: string) => Promise<string[]> = async (host) =>
      (await lookup(host, { all: true })).map((a) => a.address),
  ) {}

  /** Resolves when `host` may be contacted; rejects with PrivateNetworkError naming the address otherwise. */
  async check(host: string): Promise<void> {
    const name = host.replace(/^\[|\]$/g, '');
    if (this.allowHosts !== '' && matchPrefixPatterns(this.allowHosts, name)) return;
    // A name that does not resolve is not refused here: the connection fails on its own, with its own error.
    const addresses = isIP(name) ? [name] : await this.resolve(name).catch(() => []);
    const blocked = addresses.find(isPrivateAddress);
    if (blocked !== undefined) {
      throw new PrivateNetworkError(
        `refusing to fetch from ${name}: ${blocked === name ? 'it is' : 'it resolves to'} ${blocked}, a private or local address (list the host in gitAllowHosts to allow it)`,
      );
    }
  }
}
