/**
 * Wraps a program's output the way CI shows it: GitHub timestamps, BuildKit step prefixes, colours, and
 * unrelated lines around it, so the tests prove the classifier finds go's text inside real-looking logs.
 */
const BEFORE = [
  '\x1b[0Ksection_start:1700000000:step_script\r\x1b[0K\x1b[0K\x1b[36;1mExecuting "step_script" stage of the job script\x1b[0;m',
  '2024-01-01T00:00:00.0000000Z #11 [builder 3/6] COPY go.mod go.sum ./',
  '2024-01-01T00:00:00.1000000Z #11 DONE 0.1s',
  '2024-01-01T00:00:00.2000000Z ./internal/util/strings.go:3:2: "fmt" imported and not used',
  '2024-01-01T00:00:00.3000000Z #12 [builder 4/6] RUN --mount=type=cache,target=/go/pkg/mod go mod download',
];
const AFTER = [
  '2024-01-01T00:00:09.0000000Z #12 ERROR: process "/bin/sh -c go mod download" did not complete successfully: exit code: 1',
  '2024-01-01T00:00:09.1000000Z ##[error]buildx failed with: ERROR: failed to solve: exit code: 1',
  'section_end:1700000009:step_script\r\x1b[0K',
];

export interface NoisyLog {
  log: string;
  /** The log line number of the first output line whose trimmed text equals or starts with `text`. */
  lineOf(text: string): number;
}

export function embedInNoise(output: string): NoisyLog {
  const lines = output.replace(/\n$/, '').split('\n');
  const wrapped = lines.map((line, i) => {
    const shown = i % 2 === 1 ? `\x1b[31m${line}\x1b[0m` : line;
    return `2024-01-01T00:00:0${1 + (i % 8)}.0000000Z #12 ${(1 + i / 100).toFixed(3)} ${shown}`;
  });
  const log = [...BEFORE, ...wrapped, ...AFTER].join('\n');
  return {
    log: `${log}\n`,
    lineOf(text: string): number {
      const index = lines.findIndex((l) => l.trim() === text || l.trim().startsWith(text));
      if (index < 0) throw new Error(`${JSON.stringify(text)} is not in the output:\n${output}`);
      return BEFORE.length + index + 1;
    },
  };
}
