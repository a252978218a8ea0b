/**
 * Reduces one raw CI log line to what the program printed: go's errors are recognised by their start and their
 * leading tab, and CI systems put colours, timestamps and step numbers in front of both.
 */

// CSI sequences (colours, erase-line) and OSC sequences (hyperlinks, titles).
// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are made of control characters.
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
// GitLab collapsible sections: `section_start:1700000000:step_script[collapsed=true]\r\x1b[0K`, run before ANSI
// stripping so the trailing erase sequence goes with it.
const GITLAB_SECTION = /section_(?:start|end):\d+:[\w.-]+(?:\[[^\]]*\])?\r?/g;
// GitHub Actions (and GitLab's timestamped logs: `2024-01-01T00:00:00.123456Z 00O+ `).
const ISO_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z (?:\d\d[OE]\+? )?/;
// `##[error]`, `##[group]` and friends that GitHub puts in front of annotated lines.
const GITHUB_COMMAND = /^##\[[a-z]+\]/;
// BuildKit plain progress `#12 3.456 ` and its error recap `3.456 ` (under `> [stage 4/6] RUN …:`).
const BUILDKIT_STEP = /^(?:#\d+ \d+\.\d+ |#\d+ (?=\S)|\d+\.\d{3} )/;

export function cleanLine(raw: string): string {
  let line = raw.replace(GITLAB_SECTION, '').replace(ANSI, '');
  // A carriage return in the middle means the terminal overwrote the line: keep what was shown last.
  line = line.replace(/\r+$/, '');
  line = line.slice(line.lastIndexOf('\r') + 1);
  line = line.replace(ISO_TIMESTAMP, '').replace(GITHUB_COMMAND, '').replace(BUILDKIT_STEP, '');
  return line.replace(/\s+$/, '');
}
