import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDockerfile } from '../../src/doctor/parsers/dockerfile.js';
import { parseDockerIgnore } from '../../src/doctor/parsers/dockerignore.js';
import { parseGoModFile } from '../../src/doctor/parsers/gomod.js';
import { shellCommands } from '../../src/doctor/parsers/shell.js';

describe('Dockerfile parser', () => {
  test('BuildKit mounts with options and their positions', () => {
    const text =
      '# syntax=docker/dockerfile:1\nFROM golang:1.23 AS build\nRUN --mount=type=cache,target=/go/pkg/mod,sharing=locked \\\n    --mount=type=secret,id=netrc,target=/root/.netrc go mod download\n';
    const parsed = parseDockerfile(text);
    assert.equal(parsed.directives.get('syntax')?.value, 'docker/dockerfile:1');
    const run = parsed.stages[0]!.instructions[0]!;
    assert.equal(run.keyword, 'RUN');
    assert.deepEqual(
      run.mounts.map((m) => [m.type, m.option('target')?.value, m.option('id')?.value]),
      [
        ['cache', '/go/pkg/mod', undefined],
        ['secret', '/root/.netrc', 'netrc'],
      ],
    );
    const target = run.mounts[0]!.option('target')!;
    assert.equal(text.slice(target.span.start, target.span.end), 'target=/go/pkg/mod');
    assert.deepEqual(parsed.index.position(target.span.start), { line: 3, column: 24 });
    assert.equal(run.script, 'go mod download');
  });

  test('multi-stage: stage names, FROM <stage>, global ARGs', () => {
    const parsed = parseDockerfile(
      'ARG GO=1.23\nFROM golang:${GO} AS Build\nRUN true\nFROM build\nRUN true\n',
    );
    assert.equal(parsed.globalArgs.length, 1);
    assert.deepEqual(
      parsed.stages.map((s) => [s.name, s.image, s.instructions.length]),
      [
        ['build', 'golang:${GO}', 1],
        [undefined, 'build', 1],
      ],
    );
  });

  test('heredocs, exec form, and comment lines inside continuations', () => {
    const parsed = parseDockerfile(
      'FROM alpine\nRUN <<EOF\ngo mod download\ngo build ./...\nEOF\nRUN ["go", "build", "-o", "/app"]\nRUN go build \\\n# a comment Docker drops\n  ./...\n',
    );
    const [heredoc, exec, continued] = parsed.stages[0]!.instructions;
    assert.deepEqual(
      shellCommands(heredoc!.script).map((c) => c.argv.join(' ')),
      ['<<EOF', 'go mod download', 'go build ./...', 'EOF'],
    );
    assert.equal(exec!.script, 'go build -o /app');
    assert.equal(continued!.script, 'go build    ./...');
  });

  test('an unknown instruction is a problem with a position; the rest is still parsed', () => {
    const parsed = parseDockerfile('FROM golang\nBOGUS x y\nRUN go build\nCOPY . .\n');
    assert.deepEqual(
      parsed.problems.map((p) => [p.message, parsed.index.position(p.span.start).line]),
      [['unknown instruction "BOGUS": docker build rejects the file', 2]],
    );
    assert.deepEqual(
      parsed.instructions.map((i) => i.keyword),
      ['FROM', 'RUN', 'COPY'],
    );
  });

  test('ENV properties: quoted values, several per line, the legacy form', () => {
    const parsed = parseDockerfile('FROM x\nENV A="a b" B=c\nENV LEGACY some value\n');
    assert.deepEqual(
      parsed.stages[0]!.instructions.flatMap((i) => i.properties.map((p) => [p.name, p.value])),
      [
        ['A', 'a b'],
        ['B', 'c'],
        ['LEGACY', 'some value'],
      ],
    );
  });

  test('the escape directive changes the continuation character', () => {
    const parsed = parseDockerfile('# escape=`\nFROM x\nRUN go `\n  build\n');
    assert.equal(parsed.stages[0]!.instructions[0]!.script, 'go    build');
  });

  test('CRLF line endings', () => {
    const parsed = parseDockerfile('FROM golang\r\nRUN go build\r\n');
    const run = parsed.stages[0]!.instructions[0]!;
    assert.equal(run.script, 'go build');
    assert.deepEqual(parsed.index.position(run.span.end), { line: 2, column: 13 });
  });
});

describe('shell commands', () => {
  test('separators, assignments, env prefixes and sh -c', () => {
    const commands = shellCommands(
      `export GOFLAGS=-mod=mod && CGO_ENABLED=0 go build -o /app . ; env GOOS=linux go vet ./... || sh -c 'go test ./...'`,
    );
    assert.deepEqual(
      commands.map((c) => [[...c.assignments], c.argv]),
      [
        [[], ['export', 'GOFLAGS=-mod=mod']],
        [[['CGO_ENABLED', '0']], ['go', 'build', '-o', '/app', '.']],
        [[['GOOS', 'linux']], ['go', 'vet', './...']],
        [[], ['go', 'test', './...']],
      ],
    );
  });

  test('quotes and escapes keep words together; comments are dropped', () => {
    assert.deepEqual(
      shellCommands(`echo "a b" 'c d' e\\ f # go build\nif true; then go mod download; fi`).map(
        (c) => c.argv,
      ),
      [['echo', 'a b', 'c d', 'e f'], ['true'], ['go', 'mod', 'download'], ['fi']],
    );
  });
});

describe('.dockerignore (Docker semantics)', () => {
  test('exceptions, ** and the line that excludes a path', () => {
    const ignore = parseDockerIgnore('.dockerignore', '# comment\n*\n!src\n**/*.sum\n!vendor/modules.txt\n');
    assert.equal(ignore.ignores('go.mod'), true);
    assert.equal(ignore.ignores('src/main.go'), false);
    assert.equal(ignore.ignores('go.sum'), true);
    assert.equal(ignore.lineExcluding('go.sum'), 4);
    assert.equal(ignore.lineExcluding('go.mod'), 2);
    assert.equal(ignore.lineExcluding('src/main.go'), undefined);
  });
});

describe('go.mod and go.work with positions', () => {
  test('module, go, toolchain, require and replace blocks', () => {
    const mod = parseGoModFile(
      'go.mod',
      'module example.com/app // the app\n\ngo 1.23.0\ntoolchain go1.23.4\n\nrequire (\n\tgithub.com/a/b v1.0.0 // indirect\n\t"github.com/c/d" v2.0.0\n)\n\nreplace github.com/a/b => ../b\nreplace github.com/c/d v2.0.0 => github.com/e/d v2.0.1\n',
    );
    assert.deepEqual(mod.module, { value: 'example.com/app', line: 1, column: 1 });
    assert.equal(mod.go?.value, '1.23.0');
    assert.equal(mod.toolchain?.value, 'go1.23.4');
    assert.deepEqual(
      mod.requires.map((r) => [r.value.path, r.value.version, r.line, r.column]),
      [
        ['github.com/a/b', 'v1.0.0', 7, 2],
        ['github.com/c/d', 'v2.0.0', 8, 2],
      ],
    );
    assert.deepEqual(
      mod.replaces.map((r) => [r.value.oldPath, r.value.newPath, r.value.local, r.line]),
      [
        ['github.com/a/b', '../b', true, 11],
        ['github.com/c/d', 'github.com/e/d', false, 12],
      ],
    );
  });

  test('go.work use directives', () => {
    const work = parseGoModFile('go.work', 'go 1.23\n\nuse (\n\t.\n\t./tools\n)\nuse ./api\n');
    assert.deepEqual(
      work.uses.map((u) => [u.value, u.line]),
      [
        ['.', 4],
        ['./tools', 5],
        ['./api', 7],
      ],
    );
  });
});
