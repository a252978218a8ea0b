import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ProxyEntry, parseProxyList } from '../../src/gomod/proxy-list.js';

const proxy = (url: string, fallBackOnError = false): ProxyEntry => ({ kind: 'proxy', url, fallBackOnError });

// Built from cmd/go/internal/modfetch/proxy.go proxyList and newProxyRepo (Go 1.23).
const valid: [string, ProxyEntry[]][] = [
  ['', []],
  [
    'https://proxy.golang.org,direct',
    [proxy('https://proxy.golang.org'), { kind: 'direct', fallBackOnError: false }],
  ],
  // The separator after an entry decides whether any error (|) or only 404/410 (,) falls through.
  ['https://a|https://b,https://c', [proxy('https://a', true), proxy('https://b'), proxy('https://c')]],
  ['https://a|direct', [proxy('https://a', true), { kind: 'direct', fallBackOnError: false }]],
  ['direct', [{ kind: 'direct', fallBackOnError: false }]],
  ['direct|', [{ kind: 'direct', fallBackOnError: true }]],
  ['off', [{ kind: 'off', fallBackOnError: false }]],
  // Everything after direct or off is ignored, even garbage.
  ['direct,https://a', [{ kind: 'direct', fallBackOnError: false }]],
  ['off,ftp://nope', [{ kind: 'off', fallBackOnError: false }]],
  ['https://a,off,https://b', [proxy('https://a'), { kind: 'off', fallBackOnError: false }]],
  // Entries are trimmed, and empty ones skipped.
  [' https://a , ,\thttps://b\n', [proxy('https://a'), proxy('https://b')]],
  [',https://a,', [proxy('https://a')]],
  // A bare host gets https:// when it has one of . : / and no ":/".
  ['proxy.example.com', [proxy('https://proxy.example.com')]],
  ['localhost:3000', [proxy('https://localhost:3000')]],
  [
    'example.com/goproxy|direct',
    [proxy('https://example.com/goproxy', true), { kind: 'direct', fallBackOnError: false }],
  ],
  ['http://127.0.0.1:8080/', [proxy('http://127.0.0.1:8080/')]],
  ['HTTPS://Example.com', [proxy('HTTPS://Example.com')]],
  ['https://user:pass@example.com/p?x=1#f', [proxy('https://user:pass@example.com/p?x=1#f')]],
  ['https://[::1]:8080', [proxy('https://[::1]:8080')]],
  // file URLs may be nothing but a path.
  ['file:///srv/goproxy', [proxy('file:///srv/goproxy')]],
  ['file:///C:/goproxy,https://a', [proxy('file:///C:/goproxy'), proxy('https://a')]],
];

describe('parseProxyList', () => {
  for (const [value, want] of valid) {
    it(JSON.stringify(value), () => assert.deepEqual(parseProxyList(value), want));
  }

  const invalid: [string, RegExp][] = [
    [',', /^GOPROXY list is not the empty string, but contains no entries/],
    [' ', /^GOPROXY list is not the empty string, but contains no entries/],
    ['|,|', /^GOPROXY list is not the empty string, but contains no entries/],
    ['ftp://example.com', /^invalid proxy URL scheme \(must be https, http, file\): ftp:\/\/example\.com$/],
    ['https://a,gopher://b', /^invalid proxy URL scheme \(must be https, http, file\): gopher:\/\/b$/],
    ['noproxy', /^invalid proxy URL missing scheme: noproxy$/],
    ['/srv/goproxy', /^invalid proxy URL missing scheme: \/srv\/goproxy$/],
    ['file://host/srv', /^invalid file:\/\/ proxy URL with non-path elements: file:\/\/host\/srv$/],
    ['file:/srv/goproxy', /^invalid file:\/\/ proxy URL with non-path elements: file:\/srv\/goproxy$/],
    // "file:relative" has a colon but no ":/", so Go takes it for host:port and prepends https://.
    ['file:relative', /^parse "https:\/\/file:relative": invalid port ":relative" after host$/],
    ['file:///srv?x=1', /^invalid file:\/\/ proxy URL with non-path elements/],
    ['file:///srv#frag', /^invalid file:\/\/ proxy URL with non-path elements/],
    ['mailto:/someone', /^invalid proxy URL scheme \(must be https, http, file\): mailto:\/someone$/],
    ['https://example.com:port', /^parse "https:\/\/example\.com:port": invalid port ":port" after host$/],
    ['https://exa mple.com', /^parse "https:\/\/exa mple\.com": invalid character " " in host name$/],
    ['https://example.com/%zz', /^parse "https:\/\/example\.com\/%zz": invalid URL escape "%zz"$/],
    ['https://[::1', /^parse "https:\/\/\[::1": missing '\]' in host$/],
    ['https://us er@x.com', /net\/url: invalid userinfo/],
  ];
  for (const [value, message] of invalid) {
    it(`rejects ${JSON.stringify(value)}`, () => assert.throws(() => parseProxyList(value), { message }));
  }

  it('hides a password in its errors', () => {
    assert.throws(
      () => parseProxyList('ftp://user:secret@example.com'),
      (err: Error) => {
        assert.equal(
          err.message,
          'invalid proxy URL scheme (must be https, http, file): ftp://user:xxxxx@example.com',
        );
        return true;
      },
    );
  });
});
