import { after, before, describe } from 'node:test';
import { Radosgw } from '../helpers/radosgw.js';
import { serveFromS3 } from './serve-from-s3.js';
import { s3StoreContract } from './store-contract.js';

// One radosgw for every S3 test (Ceph starts in about 2 s); each suite gets its own bucket.
let gateway: Radosgw;

before(async () => {
  const started = Date.now();
  gateway = await Radosgw.start();
  console.log(`radosgw ready in ${Date.now() - started} ms`);
});

after(() => gateway?.stop());

describe('S3Store against Ceph radosgw', () => s3StoreContract(() => gateway));
describe('modgate serve --store s3', () => serveFromS3(() => gateway));
