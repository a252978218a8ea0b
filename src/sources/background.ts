import { AsyncLocalStorage } from 'node:async_hooks';

const background = new AsyncLocalStorage<true>();

/** Runs work that no client is waiting for (a version prepared ahead), so sources can tell it from use. */
export function inBackground<T>(work: () => Promise<T>): Promise<T> {
  return background.run(true, work);
}

/** Whether the caller runs inside inBackground. */
export function isBackground(): boolean {
  return background.getStore() === true;
}
