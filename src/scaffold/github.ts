import type { ModuleSettings } from './options.js';
import { cacheKeyFiles, type GoProject, packagePatterns } from './project.js';
import { yamlScalar } from './yaml-scalar.js';

/**
 * A GitHub Actions workflow with one owner of the Go caches: setup-go's own cache is off (it restores exact
 * keys only, and a second restore of the same directories fails with tar "File exists"), and actions/cache
 * keeps GOMODCACHE and GOCACHE, found with `go env`, under a key that ends with go.sum's hash and a restore
 * key that is a prefix of it, so a dependency bump starts from the previous cache instead of an empty one.
 */
export function renderGithubWorkflow(project: GoProject, settings: ModuleSettings): string {
  const keyPrefix = `go-${expr('runner.os')}-${expr('runner.arch')}-${expr('steps.setup-go.outputs.go-version')}-`;
  const packages = packagePatterns(project);
  const lines = [
    '# Written by `modgate init github`.',
    'name: Go',
    '',
    'on:',
    '  push:',
    '    branches: [main]',
    '  pull_request:',
    '',
    'permissions:',
    '  contents: read',
    '',
    'jobs:',
    '  test:',
    '    runs-on: ubuntu-latest',
    ...(settings.env.length > 0
      ? ['    env:', ...settings.env.map(([name, value]) => `      ${name}: ${yamlScalar(value)}`)]
      : []),
    '    steps:',
    '      - uses: actions/checkout@v5',
    '      - id: setup-go',
    '        uses: actions/setup-go@v6',
    '        with:',
    `          go-version-file: ${project.workspace ? 'go.work' : 'go.mod'}`,
    '          # The cache step below is the only owner of the Go caches.',
    '          cache: false',
    '      - id: go-env',
    '        name: Find the Go caches',
    '        run: |',
    '          echo "modcache=$(go env GOMODCACHE)" >> "$GITHUB_OUTPUT"',
    '          echo "buildcache=$(go env GOCACHE)" >> "$GITHUB_OUTPUT"',
    '      - name: Cache Go modules and builds',
    '        uses: actions/cache@v5',
    '        with:',
    '          path: |',
    `            ${expr('steps.go-env.outputs.modcache')}`,
    `            ${expr('steps.go-env.outputs.buildcache')}`,
    `          key: ${keyPrefix}${expr(
      `hashFiles(${cacheKeyFiles(project)
        .map((f) => `'${f}'`)
        .join(', ')})`,
    )}`,
    '          restore-keys: |',
    `            ${keyPrefix}`,
    ...(settings.netrc ? netrcStep() : []),
    '      - run: go mod download',
    `      - run: go build ${packages}`,
    `      - run: go vet ${packages}`,
    `      - run: go test ${packages}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** A GitHub Actions expression, `${{ … }}`. */
function expr(expression: string): string {
  return `\${{ ${expression} }}`;
}

function netrcStep(): string[] {
  return [
    '      - name: Give go the private module credentials',
    '        env:',
    '          # A repository secret holding .netrc lines: machine <host> login <user> password <token>',
    `          GO_NETRC: ${expr('secrets.GO_NETRC')}`,
    '        run: |',
    '          umask 077',
    `          printf '%s\\n' "$GO_NETRC" > "$HOME/.netrc"`,
  ];
}
