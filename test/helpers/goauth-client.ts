import { execFile } from 'node:child_process';
import { STATUS_CODES } from 'node:http';
import { type RawResponse, rawRequest } from './raw-http.js';

/** Credentials by URL prefix (host and path, no scheme, no trailing slash), as the go command caches them. */
type Credentials = Map<string, [string, string][]>;

/**
 * An HTTPS client that authenticates as `go help goauth` (Go 1.24) documents a GOAUTH command, and as
 * cmd/go/internal/auth and internal/web implement it; it is not the go command. The command is run once with
 * no argument before the first request; a request answered 4xx is retried once, after running the command
 * again with the URL as its argument and the response's status line and headers on its standard input. The
 * command prints credential sets: URL lines, a blank line, header lines, a blank line.
 */
export class GoAuthClient {
  private readonly credentials: Credentials = new Map();
  private primed = false;
  /** Every response, the failed first attempts included. */
  readonly responses: RawResponse[] = [];

  constructor(private readonly command: string) {}

  async get(url: string): Promise<RawResponse> {
    if (!this.primed) {
      this.store(await this.run([], ''));
      this.primed = true;
    }
    const first = await this.send(url);
    if (first.status < 400 || first.status >= 500) return first;
    this.store(await this.run([url], statusAndHeaders(first)));
    return this.send(url);
  }

  private async send(url: string): Promise<RawResponse> {
    const { origin, pathname, search } = new URL(url);
    const response = await rawRequest(origin, `${pathname}${search}`, {
      headers: Object.fromEntries(this.headersFor(url)),
    });
    this.responses.push(response);
    return response;
  }

  /** The headers of the longest stored prefix of the URL's host and path, moving up one segment at a time. */
  private headersFor(url: string): [string, string][] {
    const { host, pathname } = new URL(url);
    for (let prefix = `${host}${pathname}`.replace(/\/$/, ''); ; ) {
      const headers = this.credentials.get(prefix);
      if (headers) return headers;
      const slash = prefix.lastIndexOf('/');
      if (slash < 0) return [];
      prefix = prefix.slice(0, slash);
    }
  }

  private store(output: string): void {
    for (const [prefixes, headers] of parseCredentialSets(output))
      for (const prefix of prefixes) this.credentials.set(prefix, headers);
  }

  private run(args: string[], stdin: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile(this.command, args, (err, stdout, stderr) =>
        err
          ? reject(new Error(`GOAUTH command ${this.command} failed: ${err.message}\n${stderr}`))
          : resolve(stdout),
      );
      // A command need not read its input (the first run gets none); go ignores that it stopped listening.
      child.stdin!.on('error', () => {});
      child.stdin!.end(stdin);
    });
  }
}

/** What go writes to the command's standard input: the status line, one line per header, a blank line. */
function statusAndHeaders(response: RawResponse): string {
  const lines = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}`];
  for (const [name, value] of Object.entries(response.headers)) {
    const canonical = name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
    lines.push(`${canonical}: ${[value].flat().join(', ')}`);
  }
  return `${lines.join('\n')}\n\n`;
}

/** The credential sets of a GOAUTH command's output; a malformed output is an error, as it is for go. */
function parseCredentialSets(output: string): [string[], [string, string][]][] {
  const sets: [string[], [string, string][]][] = [];
  let rest = output;
  const line = (after: string) => {
    const end = rest.indexOf('\n');
    if (end < 0) throw new Error(`GOAUTH output: missing empty line after ${after}`);
    const text = rest.slice(0, end);
    rest = rest.slice(end + 1);
    return text;
  };
  while (rest !== '') {
    const prefixes: string[] = [];
    for (let url = line('URLs'); url !== ''; url = line('URLs')) {
      const { host, pathname } = new URL(url);
      prefixes.push(`${host}${pathname}`.replace(/\/$/, ''));
    }
    const headers: [string, string][] = [];
    for (let header = line('headers'); header !== ''; header = line('headers')) {
      const colon = header.indexOf(': ');
      if (colon <= 0) throw new Error(`GOAUTH output: invalid header line ${JSON.stringify(header)}`);
      headers.push([header.slice(0, colon), header.slice(colon + 2).trim()]);
    }
    sets.push([prefixes, headers]);
  }
  return sets;
}
