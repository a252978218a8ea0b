import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { hashGoMod } from '../../src/gomod/dirhash.js';
import { stageZip } from '../../src/proxy/stage-zip.js';
import { NotFoundError } from '../../src/sources/errors.js';
import type { Source } from '../../src/sources/source.js';
import { inspectModuleZip } from '../../src/zipfile/inspect-module-zip.js';
import type { GoDirectOracle } from '../helpers/go-direct.js';

let zips = 0;

/**
 * A source's .info, .mod and zip h1 for `module@query` must be go direct's, byte for byte. Returns the version
 * go resolved the query to. `scratch` is a directory for the zip.
 */
export async function assertSameAsGo(
  oracle: GoDirectOracle,
  source: Source,
  scratch: string,
  module: string,
  query: string,
): Promise<string> {
  const expected = await oracle.download(module, query);
  const info = await source.info(module, query);
  assert.equal(info.toString(), expected.info.toString(), `.info of ${module}@${query}`);
  const mod = await source.mod(module, expected.version);
  assert.equal(mod.toString(), expected.mod.toString(), `.mod of ${module}@${expected.version}`);
  assert.equal(hashGoMod(mod), expected.goModSum);
  const zipPath = join(scratch, `${++zips}.zip`);
  await stageZip(await source.zip(module, expected.version), zipPath, `${module}@${expected.version}`);
  const { h1 } = await inspectModuleZip(zipPath, module, expected.version);
  assert.equal(h1, expected.sum, `zip h1 of ${module}@${expected.version}`);
  await rm(zipPath);
  return expected.version;
}

/** go refuses the query, and the source answers not-found (404) for it too, with go's reason. */
export async function assertBothRefuse(
  oracle: GoDirectOracle,
  source: Source,
  module: string,
  query: string,
): Promise<void> {
  const goError = await oracle.downloadError(module, query);
  await assert.rejects(source.info(module, query), (err: Error) => {
    assert.ok(err instanceof NotFoundError, String(err));
    assert.ok(goError.includes(err.message), `go said:\n${goError}\nmodgate said:\n${err.message}`);
    return true;
  });
}
