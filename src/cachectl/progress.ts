import { Presets, SingleBar } from 'cli-progress';
import { formatBytes } from './format-bytes.js';

/** Feedback while modules move: a bar on a terminal, nothing in CI logs (the summary line says it all). */
export interface Progress {
  start(modules: number): void;
  /** One module finished, after `bytes` more were transferred. */
  moduleDone(bytes: number): void;
  stop(): void;
}

export function createProgress(verb: string, stream: NodeJS.WriteStream): Progress {
  if (!stream.isTTY) return { start() {}, moduleDone() {}, stop() {} };
  let bytes = 0;
  const bar = new SingleBar(
    {
      stream,
      format: `${verb} {bar} {value}/{total} modules | {moved} | {duration}s`,
      hideCursor: true,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  return {
    start: (modules) => bar.start(modules, 0, { moved: formatBytes(0) }),
    moduleDone: (moved) => {
      bytes += moved;
      bar.increment(1, { moved: formatBytes(bytes) });
    },
    stop: () => bar.stop(),
  };
}
