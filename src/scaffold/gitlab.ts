import type { ModuleSettings } from './options.js';
import { cacheKeyFiles, type GoProject, packagePatterns } from './project.js';
import { yamlScalar } from './yaml-scalar.js';

/** GitLab caches only paths inside the project, so both Go caches move under .go/ (`./...` skips dot dirs). */
const CACHE_VARIABLES: [string, string][] = [
  ['GOPATH', '$CI_PROJECT_DIR/.go'],
  ['GOMODCACHE', '$CI_PROJECT_DIR/.go/pkg/mod'],
  ['GOCACHE', '$CI_PROJECT_DIR/.go/cache'],
];

/** `cache:key:files` takes at most two files. */
const MAX_KEY_FILES = 2;

/**
 * A .gitlab-ci.yml where one job downloads modules and warms the build cache with `policy: pull-push`, and
 * every other job only pulls that cache: one writer per key, relative cache paths, a key on go.sum.
 */
export function renderGitlabCi(project: GoProject, settings: ModuleSettings): string {
  const packages = packagePatterns(project);
  const lines = [
    '# Written by `modgate init gitlab`.',
    'variables:',
    ...[...CACHE_VARIABLES, ...settings.env].map(([name, value]) => `  ${name}: ${yamlScalar(value)}`),
    '',
    'default:',
    `  image: golang:${project.goVersion}`,
    ...(settings.netrc ? netrcBeforeScript() : []),
    '',
    'stages:',
    '  - prepare',
    '  - test',
    '',
    '# The only job that uploads the cache: it downloads modules and compiles packages and tests once.',
    'go-cache:',
    '  stage: prepare',
    ...cache(project, 'pull-push'),
    '  script:',
    '    - go mod download',
    `    - go build ${packages}`,
    `    - go test -run '^$' ${packages}`,
    '',
    'test:',
    '  stage: test',
    ...cache(project, 'pull'),
    '  script:',
    `    - go vet ${packages}`,
    `    - go test ${packages}`,
  ];
  return `${lines.join('\n')}\n`;
}

function cache(project: GoProject, policy: 'pull' | 'pull-push'): string[] {
  return [
    '  cache:',
    '    key:',
    '      files:',
    // Only two files fit in cache:key:files; go-cache uploads on every pipeline, so a change in a go.sum left
    // out of the key still reaches the cache.
    ...cacheKeyFiles(project)
      .slice(0, MAX_KEY_FILES)
      .map((f) => `        - ${f}`),
    `      prefix: go${project.goVersion}`,
    '    paths:',
    '      - .go/pkg/mod/',
    '      - .go/cache/',
    `    policy: ${policy}`,
  ];
}

function netrcBeforeScript(): string[] {
  return [
    '  # GO_NETRC: a CI/CD variable of type File holding .netrc lines for the private module hosts.',
    '  before_script:',
    `    - test -n "$GO_NETRC" || { echo 'set the GO_NETRC file variable (Settings > CI/CD > Variables)'; exit 1; }`,
    '    - install -m 600 "$GO_NETRC" ~/.netrc',
  ];
}
