/** `name` inside a directory given as a POSIX path relative to the project root, where '.' is the root. */
export function under(dir: string, name: string): string {
  return dir === '.' ? name : `${dir}/${name}`;
}

/** A directory as the go command takes it on the command line: `./`-prefixed, the root being `.`. */
export function relativeArgument(dir: string): string {
  return dir === '.' ? '.' : `./${dir}`;
}
