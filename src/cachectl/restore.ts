import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  createWriteStream,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
  type WriteStream,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ZipFileSink } from '../zipfile/inspect-module-zip.js';
import type { ReadBackend } from './backend.js';
import { eachModule, type ModuleProblem } from './each-module.js';
import { byModuleVersion } from './go-sum.js';
import { ModuleDir } from './module-dir.js';
import type { FileKind, ModuleFile, ModuleFiles } from './module-files.js';
import type { Progress } from './progress.js';
import { verifyFile } from './verify-file.js';

/** A required file the backend does not have. */
export interface MissingFile {
  module: string;
  version: string;
  file: FileKind;
}

export interface RestoreReport {
  modules: number;
  /** Files fetched from the backend, checked and written. */
  hits: number;
  /** Files already in the destination: not fetched again (go never changes a file once in its cache). */
  alreadyPresent: number;
  /** Required files the backend lacks: go will have to download them. */
  misses: MissingFile[];
  bytes: number;
  /** Versions refused (checksum mismatch, bad zip) or that failed to transfer; nothing was written for them. */
  errors: ModuleProblem[];
}

/** Restoring into a module cache: each fetched zip is also extracted there, as go would extract it. */
export interface ExtractInto {
  moduleCache: string;
  /** go's default; false under -modcacherw. */
  readOnly: boolean;
}

/**
 * Fetches the files of every go.sum entry into `destination`, a directory in the `cache/download` layout: either
 * `$GOMODCACHE/cache/download` itself or a tree for GOPROXY=file://. A version's files are fetched to temporary
 * names beside their targets and renamed into place only once every one of them matches go.sum, so a tampered
 * object leaves nothing behind. The `.ziphash` go would write is written too, saving go a second hash pass.
 * With `extractInto`, each fetched zip is extracted into the module cache in the same pass that checks it
 * (module-dir.ts), so go finds the module ready instead of inflating every zip a second time. Local file
 * operations are synchronous, for the reason module-dir.ts gives; only transfers and big files stream.
 */
export async function restoreModules(
  backend: ReadBackend,
  destination: string,
  modules: readonly ModuleFiles[],
  options: { jobs: number; progress: Progress; extractInto?: ExtractInto },
): Promise<RestoreReport> {
  const report: RestoreReport = {
    modules: modules.length,
    hits: 0,
    alreadyPresent: 0,
    misses: [],
    bytes: 0,
    errors: [],
  };
  // What is not here yet, so that a packed backend can read it in a few large requests.
  backend.want?.(
    modules
      .flatMap((m) => m.files.map((f) => f.key))
      .filter((key) => !statSync(join(destination, key), { throwIfNoEntry: false })),
  );
  report.errors = await eachModule(modules, options.jobs, options.progress, async (m) => {
    const fetched: Array<{ temp: string; target: string }> = [];
    const into = options.extractInto;
    const dir = into ? new ModuleDir(into.moduleCache, m.module, m.version) : undefined;
    let extracting = false;
    const extract = () => {
      extracting = true;
      return dir!.begin();
    };
    let committed = false;
    try {
      // Every file of a version is in one `@v` directory.
      mkdirSync(dirname(join(destination, m.files[0]!.key)), { recursive: true });
      // A version's files are fetched at once: a small file's time is mostly its request's round trip. Every
      // fetch settles before anything is renamed or cleaned up, so no temporary file is written after the finally.
      const outcomes = await Promise.allSettled(
        m.files.map((file) => fetchFile(backend, destination, m, file, fetched, dir ? extract : undefined)),
      );
      let bytes = 0;
      let hits = 0;
      for (const [index, outcome] of outcomes.entries()) {
        const file = m.files[index]!;
        if (outcome.status === 'rejected') continue;
        if (outcome.value === 'present') report.alreadyPresent++;
        else if (outcome.value === 'missing') {
          if (file.required) report.misses.push({ module: m.module, version: m.version, file: file.kind });
        } else {
          hits++;
          bytes += outcome.value;
        }
      }
      const failed = outcomes.find((o) => o.status === 'rejected');
      if (failed) throw failed.reason;
      // The .ziphash first, so that it is in place by the time go can see the .zip.
      fetched.sort((a, b) => Number(b.target.endsWith('.ziphash')) - Number(a.target.endsWith('.ziphash')));
      while (fetched.length > 0) {
        const { temp, target } = fetched[0]!;
        renameSync(temp, target);
        fetched.shift();
      }
      // Last, once the .ziphash is in place: from here on go takes the directory as complete.
      if (extracting) dir!.finish(into!.readOnly);
      committed = true;
      report.hits += hits;
      report.bytes += bytes;
      return bytes;
    } finally {
      // What is still listed was not renamed into place.
      for (const { temp } of fetched) rmSync(temp, { force: true });
      if (extracting && !committed) dir!.discard();
    }
  });
  report.misses.sort(byModuleVersion);
  return report;
}

/**
 * Fetches one file to a temporary name beside its target (listed in `fetched`, with the `.ziphash` go would
 * write for a zip) and checks it against go.sum; returns its size, or whether it was already there or missing.
 * A zip is extracted while it is checked when `extract` gives somewhere to put its files.
 */
async function fetchFile(
  backend: ReadBackend,
  destination: string,
  m: ModuleFiles,
  file: ModuleFile,
  fetched: Array<{ temp: string; target: string }>,
  extract: (() => ZipFileSink) | undefined,
): Promise<number | 'present' | 'missing'> {
  const target = join(destination, file.key);
  if (statSync(target, { throwIfNoEntry: false })) return 'present';
  const body = await backend.open(file.key);
  if (body === undefined) return 'missing';
  // Named as go names its own temporary files (`<file>*.tmp`); go clears such leftovers beside zips.
  const temp = `${target}${uniqueSuffix()}.tmp`;
  fetched.push({ temp, target });
  const { bytes, data } = await receive(body, temp);
  const sink = file.kind === 'zip' && extract ? extract() : undefined;
  await verifyFile(m.module, m.version, file, temp, { extract: sink, data });
  if (file.kind === 'zip' && m.zipHash !== undefined) {
    const hashTemp = `${target}hash${uniqueSuffix()}.tmp`;
    fetched.push({ temp: hashTemp, target: `${target}hash` });
    writeFileSync(hashTemp, m.zipHash);
  }
  return bytes;
}

/** This process's random prefix, and a counter: unique temporary names without a random draw per file. */
const PROCESS_TAG = randomBytes(6).toString('hex');
let temporaries = 0;

function uniqueSuffix(): string {
  return `${PROCESS_TAG}${(temporaries++).toString(36)}`;
}

/** Objects up to this size are held in memory and checked from there: most module files are well under it. */
const IN_MEMORY_LIMIT = 8 << 20;

/**
 * Writes a body to a new file and returns how many bytes it held, and the bytes themselves when they fit in
 * IN_MEMORY_LIMIT, so that checking them does not read the file back. A larger body is streamed to the file.
 */
async function receive(body: Readable, path: string): Promise<{ bytes: number; data?: Buffer }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let out: WriteStream | undefined;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (out) {
        if (!out.write(chunk)) await once(out, 'drain');
        continue;
      }
      chunks.push(chunk);
      if (bytes > IN_MEMORY_LIMIT) {
        out = createWriteStream(path, { flags: 'wx' });
        for (const held of chunks.splice(0)) out.write(held);
      }
    }
    if (out) {
      out.end();
      await finished(out);
      return { bytes };
    }
  } catch (err) {
    out?.destroy();
    throw err;
  }
  // A body read from a pack comes in one piece: no need to copy it.
  const data = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes);
  writeFileSync(path, data, { flag: 'wx' });
  return { bytes, data };
}
