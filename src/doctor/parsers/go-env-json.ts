/** `go env -json` output (an object of strings), as given with --go-env. */
export class GoEnvError extends Error {}

export function parseGoEnvJson(text: string, file: string): Record<string, string> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new GoEnvError(
      `${file}: not JSON (${(err as Error).message}); produce it with \`go env -json > ${file}\``,
    );
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new GoEnvError(`${file}: expected the object \`go env -json\` prints`);
  }
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string') throw new GoEnvError(`${file}: ${key} is not a string`);
    env[key] = value;
  }
  return env;
}
