import { createCipheriv, createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';

/**
 * Generates the benchmark corpus: a GOPROXY tree on disk (`<module>/@v/list|.info|.mod|.zip`) that modgate
 * (through `--upstream file://`), nginx and `GOPROXY=file://` all serve, so the three see identical bytes.
 *
 * Everything is derived from a seed, so two runs (or two machines) measure the same corpus. The corpus is
 * written under os.tmpdir() (never the repo) and reused by later runs with the same parameters, because the
 * big zip takes a while to write and the benchmark should not measure a cold page cache of a fresh file.
 */

export interface CorpusOptions {
  /** Number of modules `bench.example/modNNN`. */
  modules: number;
  /** Versions per module (v1.0.0, v1.1.0, ...); modules × versions is the number of module versions. */
  versionsPerModule: number;
  /** Size of the random payload of the big module's zip, in MiB (split over three data/partN.bin files). */
  bigMiB: number;
  seed: number;
}

export interface ModuleVersion {
  path: string;
  version: string;
}

export interface Corpus {
  /** Root of the GOPROXY tree. */
  tree: string;
  /** Every module version of the regular corpus (the big module is not among them). */
  versions: ModuleVersion[];
  /** Compressed size of the regular zips, in bytes. */
  zipBytesTotal: number;
  zipBytesAverage: number;
  /** The big module, used only by the peak-RSS measurement. */
  big: ModuleVersion & { zipBytes: number; uncompressedBytes: number };
}

const CORPUS_FORMAT = 1;
const FIXED_MTIME = new Date('2024-01-02T03:04:05Z');
export const BIG_MODULE: ModuleVersion = { path: 'bench.example/big', version: 'v1.0.0' };

/** Builds the corpus, or reuses one built earlier with exactly the same options. */
export async function ensureCorpus(options: CorpusOptions, log: (line: string) => void): Promise<Corpus> {
  const key = `v${CORPUS_FORMAT}-m${options.modules}x${options.versionsPerModule}-big${options.bigMiB}-s${options.seed}`;
  const root = join(tmpdir(), `modgate-bench-corpus-${key}`);
  const manifest = join(root, 'corpus.json');
  try {
    const corpus = JSON.parse(await readFile(manifest, 'utf8')) as Corpus;
    await stat(join(corpus.tree, BIG_MODULE.path, '@v', `${BIG_MODULE.version}.zip`));
    log(`corpus: reusing ${root}`);
    return corpus;
  } catch {
    // Not built yet (or half built by an interrupted run): build from scratch.
  }
  await rm(root, { recursive: true, force: true });
  const tree = join(root, 'tree');
  // 0755 so nginx workers, should they run as an unprivileged user, can traverse the tree.
  await mkdir(tree, { recursive: true, mode: 0o755 });
  const started = Date.now();
  const rand = mulberry32(options.seed);
  const versions: ModuleVersion[] = [];
  let zipBytesTotal = 0;
  for (let m = 1; m <= options.modules; m++) {
    const path = `bench.example/mod${String(m).padStart(3, '0')}`;
    const list: string[] = [];
    for (let v = 0; v < options.versionsPerModule; v++) {
      const version = `v1.${v}.0`;
      list.push(version);
      const goMod = `module ${path}\n\ngo 1.19\n`;
      const files = [{ path: 'go.mod', content: Buffer.from(goMod) }, ...goSources(rand, path)];
      zipBytesTotal += await writeVersion(tree, { path, version }, goMod, files);
      versions.push({ path, version });
    }
    await writeFile(join(tree, path, '@v', 'list'), list.map((v) => `${v}\n`).join(''));
  }
  log(
    `corpus: ${versions.length} module versions written in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  const bigStarted = Date.now();
  const goMod = `module ${BIG_MODULE.path}\n\ngo 1.19\n`;
  const partBytes = Math.floor((options.bigMiB * 1024 * 1024) / 3);
  const bigFiles: ZipEntry[] = [
    { path: 'go.mod', content: Buffer.from(goMod) },
    {
      path: 'big.go',
      content: Buffer.from('package big\n\n// Data is shipped in data/.\nconst Parts = 3\n'),
    },
  ];
  for (let i = 1; i <= 3; i++) {
    bigFiles.push({
      path: `data/part${i}.bin`,
      content: randomStream(options.seed * 31 + i, partBytes),
      size: partBytes,
    });
  }
  const bigZip = await writeVersion(tree, BIG_MODULE, goMod, bigFiles);
  await writeFile(join(tree, BIG_MODULE.path, '@v', 'list'), `${BIG_MODULE.version}\n`);
  log(
    `corpus: big zip of ${(bigZip / 2 ** 20).toFixed(1)} MiB written in ${((Date.now() - bigStarted) / 1000).toFixed(1)} s`,
  );

  const corpus: Corpus = {
    tree,
    versions,
    zipBytesTotal,
    zipBytesAverage: zipBytesTotal / versions.length,
    big: {
      ...BIG_MODULE,
      zipBytes: bigZip,
      uncompressedBytes: bigFiles.reduce(
        (n, f) => n + (f.size ?? (Buffer.isBuffer(f.content) ? f.content.length : 0)),
        0,
      ),
    },
  };
  // Written last: its presence marks a complete corpus.
  await writeFile(manifest, JSON.stringify(corpus, null, 2));
  return corpus;
}

/** Every URL path of the regular corpus that a client fetches, for warming caches. */
export function allArtifactPaths(corpus: Corpus): string[] {
  const paths = new Set<string>();
  for (const { path, version } of corpus.versions) {
    paths.add(`/${path}/@v/list`);
    for (const ext of ['info', 'mod', 'zip']) paths.add(`/${path}/@v/${version}.${ext}`);
  }
  return [...paths];
}

/**
 * The load mix: each version's .info, .mod and .zip once (so exactly 1/3 each), shuffled with a seeded PRNG
 * so that consecutive requests of one connection hit different modules and kinds.
 */
export function loadMixPaths(corpus: Corpus, seed: number): string[] {
  const paths = corpus.versions.flatMap(({ path, version }) =>
    ['info', 'mod', 'zip'].map((ext) => `/${path}/@v/${version}.${ext}`),
  );
  const rand = mulberry32(seed);
  for (let i = paths.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [paths[i], paths[j]] = [paths[j]!, paths[i]!];
  }
  return paths;
}

interface ZipEntry {
  path: string;
  content: Buffer | Readable;
  size?: number;
}

/** Writes one version's .info, .mod and .zip; returns the zip's size. */
async function writeVersion(
  tree: string,
  mv: ModuleVersion,
  goMod: string,
  files: ZipEntry[],
): Promise<number> {
  const dir = join(tree, mv.path, '@v');
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const base = join(dir, mv.version);
  await writeFile(`${base}.info`, JSON.stringify({ Version: mv.version, Time: '2024-01-02T03:04:05Z' }));
  await writeFile(`${base}.mod`, goMod);
  // A Go module zip: entries `<module>@<version>/<file>`, deflated, no directory entries.
  const zip = new yazl.ZipFile();
  for (const file of files) {
    const name = `${mv.path}@${mv.version}/${file.path}`;
    const opts = { mtime: FIXED_MTIME, mode: 0o644, compress: true };
    if (Buffer.isBuffer(file.content)) zip.addBuffer(file.content, name, opts);
    else zip.addReadStream(file.content, name, { ...opts, size: file.size });
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(`${base}.zip`));
  return (await stat(`${base}.zip`)).size;
}

/** Deterministic incompressible bytes: the AES-256-CTR keystream of a seed-derived key, chunk by chunk. */
function randomStream(seed: number, size: number): Readable {
  const key = createHash('sha256').update(`modgate-bench-${seed}`).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(1 << 20);
  let left = size;
  return new Readable({
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const n = Math.min(left, zeros.length);
      left -= n;
      this.push(cipher.update(zeros.subarray(0, n)));
    },
  });
}

/**
 * Go-like source files for one module version. Identifiers come from a per-module vocabulary (real code repeats
 * its names), with random literals and byte tables mixed in so that deflate compresses it about as well as real
 * Go code. Sizes vary per module (a few small modules, a few large ones) around an average zip of ~100 KB.
 */
function goSources(rand: () => number, modulePath: string): ZipEntry[] {
  const pkg = modulePath.slice(modulePath.lastIndexOf('/') + 1);
  const vocab = Array.from({ length: 40 + Math.floor(rand() * 80) }, () => identifier(rand));
  const pick = () => vocab[Math.floor(rand() * vocab.length)]!;
  const Pick = () => {
    const w = pick();
    return w[0]!.toUpperCase() + w.slice(1);
  };
  // Log-normal-ish total size: median ~330 KB of source, long tail.
  const target = Math.round(330_000 * Math.exp((rand() + rand() + rand() - 1.5) * 1.2));
  const fileCount = 2 + Math.floor(rand() * 10);
  const files: ZipEntry[] = [];
  for (let f = 0; f < fileCount; f++) {
    const lines = [
      `// Code for ${modulePath}, file ${f}.`,
      '',
      `package ${pkg}`,
      '',
      'import (',
      '\t"errors"',
      '\t"fmt"',
      ')',
      '',
    ];
    let size = 0;
    while (size < target / fileCount) {
      const block = goBlock(rand, pick, Pick);
      size += block.length;
      lines.push(block);
    }
    files.push({ path: `${pick()}_${f}.go`, content: Buffer.from(lines.join('\n')) });
  }
  files.push({
    path: 'README.md',
    content: Buffer.from(`# ${pkg}\n\n${Array.from({ length: 30 }, pick).join(' ')}\n`),
  });
  return files;
}

function goBlock(rand: () => number, pick: () => string, Pick: () => string): string {
  const r = rand();
  if (r < 0.1) {
    const bytes = Array.from(
      { length: 8 + Math.floor(rand() * 64) },
      () =>
        `0x${Math.floor(rand() * 256)
          .toString(16)
          .padStart(2, '0')}`,
    );
    const rows: string[] = [];
    for (let i = 0; i < bytes.length; i += 12) rows.push(`\t${bytes.slice(i, i + 12).join(', ')},`);
    return `var ${pick()}Table = []byte{\n${rows.join('\n')}\n}\n`;
  }
  if (r < 0.25) {
    return `// ${Pick()} ${Array.from({ length: 4 + Math.floor(rand() * 12) }, pick).join(' ')}.\ntype ${Pick()} struct {\n\t${pick()} ${Pick()}\n\t${pick()} int${[8, 16, 32, 64][Math.floor(rand() * 4)]}\n\t${pick()} []string\n}\n`;
  }
  const body: string[] = [];
  const n = 3 + Math.floor(rand() * 12);
  for (let i = 0; i < n; i++) {
    const s = rand();
    if (s < 0.3)
      body.push(
        `\tif err := ${pick()}.${Pick()}(${pick()}, ${Math.floor(rand() * 100000)}); err != nil {\n\t\treturn nil, fmt.Errorf("${pick()} ${pick()}: %w", err)\n\t}`,
      );
    else if (s < 0.5)
      body.push(`\t${pick()} := ${pick()}.${Pick()}("${pick()}-${Math.floor(rand() * 1e9).toString(36)}")`);
    else if (s < 0.7)
      body.push(
        `\tfor i := 0; i < len(${pick()}); i++ {\n\t\t${pick()}[i] ^= 0x${Math.floor(rand() * 2 ** 32).toString(16)}\n\t}`,
      );
    else if (s < 0.85)
      body.push(`\t// ${Array.from({ length: 3 + Math.floor(rand() * 9) }, pick).join(' ')}`);
    else
      body.push(`\tif ${pick()} == nil {\n\t\treturn nil, errors.New("${pick()}: ${pick()} ${pick()}")\n\t}`);
  }
  return `// ${Pick()} ${pick()} ${pick()} ${pick()}.\nfunc (${pick()[0]} *${Pick()}) ${Pick()}(${pick()} ${Pick()}, ${pick()} int) (*${Pick()}, error) {\n${body.join('\n')}\n\treturn &${Pick()}{}, nil\n}\n`;
}

function identifier(rand: () => number): string {
  const syllables = [
    'ab',
    'cor',
    'de',
    'fin',
    'gra',
    'hel',
    'in',
    'jo',
    'ker',
    'lum',
    'mo',
    'nex',
    'op',
    'pra',
    'qu',
    'ras',
    'sto',
    'tem',
    'ul',
    'ver',
    'wa',
    'xi',
    'yo',
    'zen',
  ];
  let s = '';
  const parts = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < parts; i++) s += syllables[Math.floor(rand() * syllables.length)];
  return s;
}

/** Small, fast, seeded PRNG (mulberry32): deterministic corpus without a dependency. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
