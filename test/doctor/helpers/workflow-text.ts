/** go.mod and go.sum of a one-dependency module, for projects whose workflows the tests check. */
export const GO_MODULE: Readonly<Record<string, string>> = {
  'go.mod': 'module example.com/m\n\ngo 1.23\n',
  'go.sum': 'golang.org/x/text v0.14.0 h1:a=\n',
};

/**
 * A project with one workflow `.github/workflows/ci.yml` holding one job; `body` is the job's YAML below
 * `runs-on:`, indented by four spaces (the level of `steps:`).
 */
export function oneJobWorkflow(
  body: string,
  extraFiles: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    ...GO_MODULE,
    ...extraFiles,
    '.github/workflows/ci.yml': `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n${body}`,
  };
}
