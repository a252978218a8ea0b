import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyText } from '../../src/explain/classify.js';
import { cleanLine } from '../../src/explain/clean-line.js';

/** Texts as users posted them (ci-docker.md §6 and the seed article), with the line that must be the evidence. */
const CASES: { name: string; log: string; id: string; line: number; transient: boolean; module?: string }[] =
  [
    {
      name: 'go.sum mismatch (A)',
      log: "verifying example.com/m@v1.0.0: checksum mismatch\n\tdownloaded: h1:AAAA\n\tgo.sum:     h1:BBBB\n\nSECURITY ERROR\nThis download does NOT match an earlier download recorded in go.sum.\nThe bits may have been replaced on the origin server, or an attacker may\nhave intercepted the download attempt.\n\nFor more information, see 'go help module-auth'.\n",
      id: 'checksum-mismatch',
      line: 1,
      transient: false,
      module: 'example.com/m',
    },
    {
      name: 'sumdb mismatch (B)',
      log: 'example.com/m@v1.0.0: verifying module: checksum mismatch\n\tdownloaded: h1:AAAA\n\tsum.golang.org: h1:BBBB\n\nSECURITY ERROR\n',
      id: 'checksum-mismatch',
      line: 1,
      transient: false,
    },
    {
      name: 'seed: checksum mismatch after go: downloading',
      log: 'go: downloading github.com/sirupsen/logrus v1.8.1\ngo: verifying github.com/sirupsen/logrus@v1.8.1: checksum mismatch\n',
      id: 'checksum-mismatch',
      line: 2,
      transient: false,
      module: 'github.com/sirupsen/logrus',
    },
    {
      name: 'sumdb 410 for a private module (C)',
      log: 'github.com/myorg/myrepo@v1.6.4: verifying module: github.com/myorg/myrepo@v1.6.4: reading https://sum.golang.org/lookup/github.com/myorg/myrepo@v1.6.4: 410 Gone\n\tserver response: not found: github.com/myorg/myrepo@v1.6.4: invalid version: unknown revision v1.6.4\n',
      id: 'sumdb-gone',
      line: 1,
      transient: false,
      module: 'github.com/myorg/myrepo',
    },
    {
      name: 'sumdb timeout (C)',
      log: 'go: github.com/kr/text@v0.2.0/go.mod: verifying module: github.com/kr/text@v0.2.0/go.mod: Get "https://sum.golang.org/lookup/github.com/kr/text@v0.2.0": dial tcp 172.217.160.81:443: i/o timeout\n',
      id: 'sumdb-unreachable',
      line: 1,
      transient: true,
      module: 'github.com/kr/text',
    },
    {
      name: 'proxy.golang.org 410 quoting git output (D)',
      log: "go get example.com/private: module example.com/private: reading https://proxy.golang.org/example.com/private/@v/list: 410 Gone\n\tserver response:\n\tnot found: module example.com/private: git ls-remote -q origin in /tmp/gopath/pkg/mod/cache/vcs/abc: exit status 128:\n\t\tfatal: could not read Username for 'https://gopher.live': terminal prompts disabled\n\tConfirm the import path was entered correctly.\n\tIf this is a private repository, see https://golang.org/doc/faq#git_https for additional information.\n",
      id: 'proxy-not-found-no-direct',
      line: 1,
      transient: false,
      module: 'example.com/private',
    },
    {
      name: 'modgate refuses bytes the checksum database contradicts',
      log: 'go: example.com/liar@v1.0.0: reading https://modgate.corp:3000/example.com/liar/@v/v1.0.0.zip: 410 Gone\n\tserver response: checksum mismatch for example.com/liar@v1.0.0 zip: the upstream served h1:Qz1nA7sQ2o/FO1yHlHXM8gnq2vGQlO2cxdYGU0Gnd0o=, but checksum database sum.golang.org records h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=. The upstream proxy (or a cache in front of it) is serving altered or rebuilt content, or the version was re-tagged after it was published; modgate stored nothing\n',
      id: 'modgate-checksum-refusal',
      line: 2,
      transient: false,
      module: 'example.com/liar',
    },
    {
      name: 'modgate needs a token',
      log: 'go: corp.example/payments@v1.0.0: reading https://127.0.0.1:41193/corp.example/payments/@v/v1.0.0.info: 401 Unauthorized\n\tserver response: modgate needs a token to serve corp.example/payments, and none was sent: put it in ~/.netrc\n',
      id: 'modgate-token-required',
      line: 2,
      transient: false,
      module: 'corp.example/payments',
    },
    {
      name: 'modgate refuses a module path that leads into the private network',
      log: 'go: intranet.example/x@v1.0.0: reading https://modgate.corp/intranet.example/x/@v/v1.0.0.info: 404 Not Found\n\tserver response: intranet.example/x@v1.0.0: https fetch: refusing to fetch from intranet.example: it resolves to 192.168.1.10, a private or local address (list the host in gitAllowHosts to allow it)\n',
      id: 'modgate-private-network',
      line: 2,
      transient: false,
      module: 'intranet.example/x',
    },
    {
      name: 'GOPROXY=off',
      log: 'go: example.com/m@v1.0.0: module lookup disabled by GOPROXY=off\n',
      id: 'module-lookup-disabled',
      line: 1,
      transient: false,
    },
    {
      name: 'empty GOPROXY list',
      log: 'go: GOPROXY list is not the empty string, but contains no entries\n',
      id: 'goproxy-invalid',
      line: 1,
      transient: false,
    },
    {
      name: 'proxyconnect on loopback (E)',
      log: 'go: github.com/onsi/ginkgo@v1.16.3: Get "https://proxy.golang.org/github.com/onsi/ginkgo/@v/v1.16.3.mod": proxyconnect tcp: dial tcp 127.0.0.1:3001: connect: connection refused\n',
      id: 'proxyconnect-loopback',
      line: 1,
      transient: false,
      module: 'github.com/onsi/ginkgo',
    },
    {
      name: 'seed: proxyconnect to a non-loopback proxy',
      log: 'go: downloading github.com/gin-gonic/gin v1.9.1\ngo: proxyconnect tcp: dial tcp 172.17.0.1:443: connect: connection refused\n',
      id: 'http-proxy-unreachable',
      line: 2,
      transient: true,
    },
    {
      name: 'DNS timeout (E)',
      log: 'go: example.com/m@v1.0.0: Get "https://proxy.golang.org/example.com/m/@v/v1.0.0.mod": dial tcp: lookup proxy.golang.org on 192.168.0.1:53: read udp 172.17.0.2:41234->192.168.0.1:53: i/o timeout\n',
      id: 'dns-lookup-failed',
      line: 1,
      transient: true,
    },
    {
      name: 'dial timeout (E)',
      log: 'go: example.com/m@v1.0.0: Get "https://proxy.golang.org/example.com/m/@v/v1.0.0.mod": dial tcp 142.251.42.241:443: i/o timeout\n',
      id: 'proxy-timeout',
      line: 1,
      transient: true,
    },
    {
      name: 'IPv6 in docker (E)',
      log: 'go: example.com/m@v1.0.0: Get "https://proxy.golang.org/example.com/m/@v/v1.0.0.mod": dial tcp [2607:f8b0:4004:c1b::8d]:443: connect: cannot assign requested address\n',
      id: 'network-unreachable',
      line: 1,
      transient: true,
    },
    {
      name: 'corporate TLS interception',
      log: 'go: example.com/m@v1.0.0: Get "https://proxy.golang.org/example.com/m/@v/v1.0.0.mod": tls: failed to verify certificate: x509: certificate signed by unknown authority\n',
      id: 'tls-error',
      line: 1,
      transient: false,
    },
    {
      name: 'private repo, terminal prompts disabled (F)',
      log: "go: module github.com/your_org/mysecret: git ls-remote -q origin in /go/pkg/mod/cache/vcs/2f8cb9ea: exit status 128:\n\tfatal: could not read Username for 'https://github.com': terminal prompts disabled\nConfirm the import path was entered correctly.\nIf this is a private repository, see https://golang.org/doc/faq#git_https for additional information.\n",
      id: 'git-terminal-prompts-disabled',
      line: 2,
      transient: false,
      module: 'github.com/your_org/mysecret',
    },
    {
      name: 'seed: could not read Username, No such device or address',
      log: "go: git ls-remote output: error: unable to read askpass response from 'docker-credential-desktop'\nfatal: could not read Username for 'https://git.company.com': No such device or address\n",
      id: 'git-could-not-read-username',
      line: 2,
      transient: false,
    },
    {
      name: 'unknown revision (G)',
      log: 'go: reading github.com/charmbracelet/bubbletea/go.mod at revision v2.9.0: unknown revision v2.9.0\n',
      id: 'unknown-revision',
      line: 1,
      transient: false,
    },
    {
      name: 'invalid version wrapping a network error is a network error (H)',
      log: 'go: github.com/onosproject/x@v0.0.0-20200101000000-6697a08aaaaa: invalid version: Get "https://proxy.golang.org/github.com/onosproject/x/@v/6697a08.info": dial tcp: i/o timeout\n',
      id: 'proxy-timeout',
      line: 1,
      transient: true,
    },
    {
      name: 'missing go.sum entry for go.mod file (I)',
      log: 'github.com/form3tech-oss/jwt-go@v3.2.2+incompatible: missing go.sum entry for go.mod file; to add it:\n\tgo mod download github.com/form3tech-oss/jwt-go\n',
      id: 'missing-go-sum-entry',
      line: 1,
      transient: false,
      module: 'github.com/form3tech-oss/jwt-go',
    },
    {
      name: 'inconsistent vendoring (J)',
      log: 'go: inconsistent vendoring in /src:\n\texample.com/m@v1.0.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt\n\n\tTo ignore the vendor directory, use -mod=readonly or -mod=mod.\n',
      id: 'inconsistent-vendoring',
      line: 1,
      transient: false,
    },
    {
      name: 'replacement directory (J)',
      log: 'go: example.com/lib@v0.0.0: replacement directory ../lib does not exist\n',
      id: 'replacement-directory-missing',
      line: 1,
      transient: false,
    },
    {
      name: 'toolchain too new (K)',
      log: 'go: go.mod requires go >= 1.22.0 (running go 1.21.5; GOTOOLCHAIN=local)\n',
      id: 'toolchain-too-new',
      line: 1,
      transient: false,
    },
    {
      name: 'build cache not writable (L)',
      log: 'go: disabling cache (/root/.cache/go-build) due to initialization failure: mkdir /root/.cache/go-build: permission denied\n',
      id: 'cache-permission-denied',
      line: 1,
      transient: false,
    },
    {
      name: 'module path mismatch',
      log: 'go: github.com/old/name@v1.2.0: parsing go.mod:\n\tmodule declares its path as: github.com/new/name\n\t        but was required as: github.com/old/name\n',
      id: 'module-path-mismatch',
      line: 2,
      transient: false,
    },
  ];

describe('explain: verbatim go error texts', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const { failures } = await classifyText(c.log);
      assert.equal(failures.length, 1, JSON.stringify(failures, null, 2));
      const f = failures[0]!;
      assert.equal(f.id, c.id);
      assert.equal(f.evidence.line, c.line);
      assert.equal(f.evidence.text, c.log.split('\n')[c.line - 1]!.trim());
      assert.equal(f.transient, c.transient);
      if (c.module) assert.equal(f.module, c.module);
      assert.ok(f.cause.length > 40 && f.fix.length > 20);
    });
  }

  test('a proxy 404/410 quoting a failed git clone infers a private module', async () => {
    const { failures } = await classifyText(
      CASES.find((c) => c.name.startsWith('proxy.golang.org 410'))!.log,
    );
    assert.ok(
      failures[0]!.inferred.includes(
        "example.com/private is private: the proxy's own git clone needed credentials",
      ),
    );
    assert.ok(
      failures[0]!.inferred.some((f) =>
        f.startsWith('GOPROXY has no direct entry after https://proxy.golang.org'),
      ),
    );
  });

  test('repeats of one failure are grouped, with every line listed', async () => {
    const line =
      'go: example.com/m@v1.0.0: reading https://proxy.golang.org/example.com/m/@v/v1.0.0.mod: 410 Gone';
    const { failures } = await classifyText(
      `${line}\nnoise\n${line}\n ------\n > [4/6] RUN go mod download:\n0.512 ${line}\n`,
    );
    assert.equal(failures.length, 1);
    assert.equal(failures[0]!.occurrences, 3);
    assert.deepEqual(failures[0]!.lines, [1, 3, 6]);
  });

  test('different modules are different failures', async () => {
    const { failures } = await classifyText(
      'go: a.example/x@v1.0.0: reading https://p.example/a.example/x/@v/v1.0.0.mod: 404 Not Found\n' +
        'go: b.example/y@v1.0.0: reading https://p.example/b.example/y/@v/v1.0.0.mod: 404 Not Found\n',
    );
    assert.deepEqual(
      failures.map((f) => f.module),
      ['a.example/x', 'b.example/y'],
    );
  });
});

describe('explain: CI prefixes', () => {
  const cases: [string, string][] = [
    ['2024-01-01T00:00:00.0000000Z go: x', 'go: x'],
    ['#12 3.456 go: x', 'go: x'],
    ['#12 3.456 \tserver response: y', '\tserver response: y'],
    ['2024-01-01T00:00:00.0000000Z #12 3.456 \x1b[31mgo: x\x1b[0m', 'go: x'],
    ['section_start:1700000000:step_script\r\x1b[0Kgo: x', 'go: x'],
    ['\x1b[0Ksection_end:1700000000:step_script\r\x1b[0K', ''],
    ['2024-01-01T00:00:00.123456Z 00O+ go: x', 'go: x'],
    ['##[error]go: x', 'go: x'],
    ['downloading 10%\rdownloading 100%\r', 'downloading 100%'],
    ['0.512 go: x', 'go: x'],
  ];
  for (const [raw, clean] of cases) {
    test(JSON.stringify(raw), () => assert.equal(cleanLine(raw), clean));
  }
});
