import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Writes `files` (POSIX relative path → text) under a fresh temporary directory and returns it. */
export async function writeProject(name: string, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `modgate-scaffold-${name}-`));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const SUM = (path: string) =>
  `${path} v1.0.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n` +
  `${path} v1.0.0/go.mod h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=\n`;

/** One module with a dependency and its main package at the root, plus a generator kept out by a build tag. */
export const SINGLE_MODULE: Record<string, string> = {
  'go.mod': 'module example.com/hello\n\ngo 1.23\n\nrequire example.com/greet v1.0.0\n',
  'go.sum': SUM('example.com/greet'),
  'main.go': 'package main\n\nimport "example.com/greet"\n\nfunc main() { println(greet.Hello()) }\n',
  'gen.go': '//go:build ignore\n\npackage main\n\nfunc main() {}\n',
  'internal/text/text.go': 'package text\n\nconst Hi = "hi"\n',
};

/** A go.work with two modules: app (the main package, under cmd/) uses lib, which the workspace provides. */
export const WORKSPACE: Record<string, string> = {
  'go.work': 'go 1.23\n\nuse (\n\t./app\n\t./lib\n)\n',
  'go.work.sum': SUM('example.com/extra'),
  'app/go.mod': 'module example.com/app\n\ngo 1.23\n',
  'app/go.sum': SUM('example.com/greet'),
  'app/cmd/server/main.go':
    '// Command server says hello.\npackage main\n\nimport "example.com/lib"\n\nfunc main() { println(lib.Hello()) }\n',
  'lib/go.mod': 'module example.com/lib\n\ngo 1.23\n',
  'lib/lib.go': 'package lib\n\nfunc Hello() string { return "hi" }\n',
  'lib/lib_test.go':
    'package lib\n\nimport "testing"\n\nfunc TestHello(t *testing.T) {\n\tif Hello() != "hi" {\n\t\tt.Fatal(Hello())\n\t}\n}\n',
};

/** The single module with its dependency vendored: go builds from vendor/ and downloads nothing. */
export const VENDORED: Record<string, string> = {
  ...SINGLE_MODULE,
  'vendor/modules.txt': '# example.com/greet v1.0.0\n## explicit\nexample.com/greet\n',
  'vendor/example.com/greet/greet.go': 'package greet\n\nfunc Hello() string { return "hi" }\n',
};
