/**
 * A cheap upper-bound estimate of how deeply a YAML text nests, taken before parsing. The yaml library
 * parses recursively: a few thousand nested `[` exhaust the stack, and in that state V8 has been seen to
 * abort the whole process (a fatal out-of-memory in its regexp compiler) rather than throw. Refusing such
 * input up front keeps a hostile workflow from taking doctor down. Real CI files nest fewer than 20 levels.
 */
export const MAX_NESTING = 100;

export function exceedsNesting(text: string, limit = MAX_NESTING): boolean {
  const indents: number[] = [];
  let flow = 0;
  for (const line of text.split('\n')) {
    const content = line.trimStart();
    if (content === '' || content.startsWith('#')) continue;
    // Block nesting: each deeper indent opens a level, and so does each `- ` starting the line (`- - - x`).
    const indent = line.length - content.length;
    while (indents.length > 0 && indents.at(-1)! >= indent) indents.pop();
    indents.push(indent);
    const dashes = /^(?:-\s+)*/.exec(content)?.[0].replace(/\s+/g, '').length ?? 0;
    if (indents.length + dashes > limit) return true;
    const scanned = scanFlow(content, flow);
    if (scanned.deepest > limit) return true;
    flow = scanned.after;
  }
  return false;
}

/**
 * Flow nesting through one line: `[`/`{` count where they can open a collection (at the start, or after
 * `:`, `-`, `,`, `[`, `{`), so brackets inside ordinary text such as `echo a[1]` do not.
 */
function scanFlow(content: string, depth: number): { deepest: number; after: number } {
  let previous = '';
  let current = depth;
  let deepest = depth;
  for (const c of content) {
    if ((c === '[' || c === '{') && (previous === '' || ':-,[{'.includes(previous))) current++;
    else if ((c === ']' || c === '}') && current > 0) current--;
    if (c !== ' ' && c !== '\t') previous = c;
    deepest = Math.max(deepest, current);
  }
  return { deepest, after: current };
}
