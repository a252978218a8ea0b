import { type Document, LineCounter, parseAllDocuments } from 'yaml';
import type { Location, Position } from '../../model.js';
import { exceedsNesting, MAX_NESTING } from './yaml-nesting.js';
import { buildTree, type YMap, type YNode } from './yaml-tree.js';

/**
 * A CI configuration file parsed for analysis: the source text, offsets -> line:col, and a tree in which
 * aliases and `<<` merge keys are already followed, so rules see what GitHub or GitLab see while every
 * node still knows where it sits in the text.
 */
export interface YamlFile {
  readonly file: string;
  readonly text: string;
  /** The top-level mapping; undefined when the file cannot be analysed (see `problem`). */
  readonly root?: YMap;
  /** Why the file was not analysed: invalid YAML, too large, an alias bomb, or not a mapping. */
  readonly problem?: { message: string; offset: number };
  locate(offset: number): Position;
  location(start: number, end?: number): Location;
}

/** Larger than any real workflow; bigger inputs are refused before parsing so they cannot stall a run. */
const MAX_CI_FILE_CHARS = 2 * 1024 * 1024;
/** Alias expansions allowed while checking a file: real CI files use a handful; YAML bombs use millions. */
const MAX_ALIAS_COUNT = 10_000;

/**
 * `duplicateKeys`: `error` as GitHub reads workflows (a repeated key is rejected), `last-wins` as GitLab
 * reads .gitlab-ci.yml (Ruby's YAML loader keeps the last value).
 */
export function parseYamlFile(
  file: string,
  text: string,
  duplicateKeys: 'error' | 'last-wins' = 'error',
): YamlFile {
  const lineCounter = new LineCounter();
  const locate = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const base = {
    file,
    text,
    locate,
    location: (start: number, end?: number): Location =>
      end === undefined ? { file, start: locate(start) } : { file, start: locate(start), end: locate(end) },
  };
  const refuse = (message: string, offset = 0): YamlFile => {
    // Files refused before parsing have no lines counted yet; give the counter its first line by hand.
    if (lineCounter.lineStarts.length === 0) lineCounter.addNewLine(0);
    return { ...base, problem: { message, offset } };
  };
  if (text.length > MAX_CI_FILE_CHARS)
    return refuse(`longer than ${MAX_CI_FILE_CHARS} characters; not analysed`);
  if (exceedsNesting(text)) return refuse(`nested deeper than ${MAX_NESTING} levels; not analysed`);
  let root: YNode | undefined;
  try {
    const uniqueKeys = duplicateKeys === 'error';
    const docs = parseAllDocuments(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys });
    if (docs.length === 0) return refuse('the file is empty');
    const doc = configDocument(docs);
    if (!doc) return refuse('several YAML documents in one file');
    const error = doc.errors[0];
    if (error) return refuse(`invalid YAML: ${error.message}`, error.pos[0]);
    // The yaml library's own guard against exponential alias expansion ("billion laughs"); it throws
    // before the expansion happens, so the tree built below is bounded by what this lets through.
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    root = doc.contents ? buildTree(doc, doc.contents) : undefined;
  } catch (err) {
    // Alias bombs, nesting deep enough to exhaust the stack, and tree depth limits all end here.
    return refuse(`refused: ${(err as Error).message}`);
  }
  if (root?.kind !== 'map') {
    return refuse('the document is not a mapping of keys to values', root?.range[0] ?? 0);
  }
  return { ...base, root };
}

/**
 * The document holding the configuration: the only one, or the second when the first is a GitLab
 * `spec:` header (CI/CD components and `include: inputs` use `spec: ...` then `---` then the jobs).
 */
function configDocument(docs: Document.Parsed[]): Document.Parsed | undefined {
  if (docs.length === 1) return docs[0];
  const header = docs[0]?.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
  const isSpec =
    docs.length === 2 &&
    typeof header === 'object' &&
    header !== null &&
    Object.keys(header).length === 1 &&
    'spec' in header;
  return isSpec ? docs[1] : undefined;
}
