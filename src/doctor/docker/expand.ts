/**
 * Dockerfile variable substitution (`$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME:+word}`, `${NAME-word}`,
 * `${NAME+word}`), as BuildKit's shell lexer applies it to ENV, ARG, FROM, USER and WORKDIR. Unknown variables
 * expand to the empty string, as in Docker.
 */
export function expandVariables(
  value: string,
  lookup: (name: string) => string | undefined,
  escapeChar = '\\',
): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    const c = value[i]!;
    if (c === escapeChar && value[i + 1] === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    if (value[i + 1] === '{') {
      const close = matchingClose(value, i + 2, '{', '}');
      if (close < 0) {
        out += value.slice(i);
        break;
      }
      out += braced(value.slice(i + 2, close), lookup, escapeChar);
      i = close + 1;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(value.slice(i + 1))?.[0];
    if (!name) {
      out += c;
      i++;
      continue;
    }
    out += lookup(name) ?? '';
    i += 1 + name.length;
  }
  return out;
}

/** The index of the `close` that ends an `open` just before `from`, nested pairs skipped; -1 if none does. */
export function matchingClose(text: string, from: number, open: string, close: string): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === open) depth++;
    else if (text[i] === close && --depth === 0) return i;
  }
  return -1;
}

function braced(inner: string, lookup: (name: string) => string | undefined, escapeChar: string): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])(.*))?$/s.exec(inner);
  if (!m) return '';
  const current = lookup(m[1]!);
  const operator = m[2];
  if (!operator) return current ?? '';
  const word = () => expandVariables(m[3] ?? '', lookup, escapeChar);
  const set = operator.startsWith(':') ? current !== undefined && current !== '' : current !== undefined;
  if (operator.endsWith('-')) return set ? current! : word();
  return set ? word() : '';
}
