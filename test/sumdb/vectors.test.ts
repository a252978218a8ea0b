import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newSigner, newVerifier, open, sign } from '../../src/sumdb/note.js';
import { parseTilePath, readTileData, tileHashReader } from '../../src/sumdb/tile.js';
import {
  formatRecord,
  formatTree,
  parseRecord,
  parseTree,
  recordHash,
  storedHashIndex,
} from '../../src/sumdb/tlog.js';
import { MemoryLog } from './memory-log.js';

// go-protocol.md §7.6 and §10.1: x/mod v0.7.0's TestServer with the PeterNeumann key and three records.

const skey = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const vkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const h1 = (letter: string) => `h1:${letter.repeat(43)}=`;
const gosum = (m: string, v: string, zip: string, mod: string) =>
  `${m} ${v} ${h1(zip)}\n${m} ${v}/go.mod ${h1(mod)}\n`;

const records = [
  { text: gosum('example.com/a', 'v1.0.0', 'A', 'B'), hash: '6vJ2ZYX9sMYVJ85/0kQhHBoT68L3mOwutBzwwi7fBaY=' },
  { text: gosum('example.com/b', 'v0.1.0', 'C', 'D'), hash: 'i4sZ/wVFlCca5B00ZrjnDZLbr67bcgsVVaNYmEiWKSQ=' },
  { text: gosum('example.com/c', 'v0.2.0', 'E', 'F'), hash: '0G7kPeHa/t63HN0RiOllFuLWdUvxZyHjHvDrcLNydUo=' },
];
const treeHashB64 = 'ip6a/6X2FCp3CyZCDnM56N8rfOb+NaW+AuKgUOKZ6jo=';
const sigLine =
  '\u2014 PeterNeumann x08goylBQmSuasv8p5VgPvAMqe9ocfAJgGFMfWvxz54OS0PSnVMbUWS1EeTPk67B4FAbRrlyzcMX4blEOZGJShLBwg8=\n';

async function testServer() {
  const log = new MemoryLog();
  for (const r of records) await log.add(r.text);
  return log;
}

test('record hashes of the three TestServer records', () => {
  for (const r of records) assert.equal(recordHash(r.text).toString('base64'), r.hash);
});

test('tree N=3 and its signed note, byte for byte', async () => {
  const tree = await (await testServer()).tree();
  assert.equal(tree.N, 3);
  assert.equal(Buffer.from(tree.Hash).toString('base64'), treeHashB64);
  const signed = sign({ text: formatTree(tree) }, newSigner(skey)).toString();
  assert.equal(signed, `go.sum database tree\n3\n${treeHashB64}\n\n${sigLine}`);
});

test('tile/8/0/000.p/3 is the three record hashes concatenated', async () => {
  const log = await testServer();
  const data = await readTileData(parseTilePath('tile/8/0/000.p/3'), log.readHashes);
  assert.deepEqual(data, Buffer.concat(records.map((r) => Buffer.from(r.hash, 'base64'))));
});

test('the lookup of example.com/b@v0.1.0, and what a client does with it', async () => {
  const log = await testServer();
  const signedTree = sign({ text: formatTree(await log.tree()) }, newSigner(skey));
  const body = Buffer.concat([formatRecord(1, records[1]!.text), signedTree]);
  assert.equal(
    body.toString(),
    `1\n${records[1]!.text}\ngo.sum database tree\n3\n${treeHashB64}\n\n${sigLine}`,
  );

  const { id, text, rest } = parseRecord(body);
  const note = open(rest, [newVerifier(vkey)]);
  const tree = parseTree(note.text);
  const [leaf] = await tileHashReader(tree, log.tileReader(8))([storedHashIndex(0, id)]);
  assert.deepEqual(leaf, recordHash(text));
  assert.equal(text.toString(), records[1]!.text);
});
