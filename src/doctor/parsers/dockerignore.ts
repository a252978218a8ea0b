/**
 * .dockerignore with Docker's matching semantics (@balena/dockerignore implements moby's patternmatcher:
 * `**`, `!` exceptions where the last match wins, leading `/` and `./` cleaned), plus the line that decides
 * each path, for findings.
 */
import dockerignoreModule from '@balena/dockerignore';

// The package is CommonJS (`module.exports = factory`) while its types declare a default export: under NodeNext
// the default import is the factory itself.
const dockerignore = dockerignoreModule as unknown as typeof dockerignoreModule.default;

export interface DockerIgnore {
  /** POSIX path of the .dockerignore file relative to the project root. */
  file: string;
  /** Whether Docker leaves this context-relative path out of the build context. */
  ignores(path: string): boolean;
  /** The 1-based line of the pattern that excludes the path, when it is excluded. */
  lineExcluding(path: string): number | undefined;
  text: string;
}

export function parseDockerIgnore(file: string, text: string): DockerIgnore {
  const lines = text.split(/\r?\n/);
  const all = dockerignore().add(lines);
  return {
    file,
    text,
    ignores: (path) => all.ignores(path),
    lineExcluding(path) {
      if (!all.ignores(path)) return undefined;
      for (let i = lines.length - 1; i >= 0; i--) {
        const pattern = lines[i]!.trim();
        if (pattern === '' || pattern.startsWith('#') || pattern.startsWith('!')) continue;
        if (dockerignore().add(pattern).ignores(path)) return i + 1;
      }
      return undefined;
    },
  };
}
