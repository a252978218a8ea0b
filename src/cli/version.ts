import { readFileSync } from 'node:fs';

/** The package version, read once from package.json (two levels above dist/src/cli or src/cli). */
export const VERSION: string = (() => {
  for (const candidate of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'modgate' && pkg.version) return pkg.version;
    } catch {
      // try the next layout
    }
  }
  return '0.0.0';
})();
