import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import {
  generateKey,
  InvalidSignatureError,
  MalformedNoteError,
  MismatchedVerifierError,
  newEd25519VerifierKey,
  newSigner,
  newVerifier,
  open,
  type Signer,
  sign,
  UnverifiedNoteError,
  type Verifier,
  type Verifiers,
  verifierList,
} from '../../src/sumdb/note.js';

// Ports of x/mod v0.7.0 sumdb/note/note_test.go and example_test.go.

const peterSkey = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const peterVkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const enochVkey = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const text =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const peterSig =
  '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const enochSig =
  '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
const peter = {
  name: 'PeterNeumann',
  hash: 0xc74f20a3,
  base64: 'x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=',
};
const enoch = {
  name: 'EnochRoot',
  hash: 0xaf0cfe78,
  base64: 'rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=',
};
const msg = (s: string) => Buffer.from(s, 'utf8');
/** Go's s[:at] + ins + s[at:], which counts bytes (the em dash is three), not UTF-16 units. */
const spliceBytes = (s: string, at: number, ins: string) => {
  const b = msg(s);
  return `${b.subarray(0, at).toString()}${ins}${b.subarray(at).toString()}`;
};

/** Every proper substring of key and every single-byte increment of it: Go's mangling loops. */
function manglings(key: string): string[] {
  const out: string[] = [];
  const b = Buffer.from(key, 'latin1');
  for (let i = 0; i <= b.length; i++) {
    for (let j = i + 1; j <= b.length; j++) {
      if (i !== 0 || j !== b.length) out.push(b.subarray(i, j).toString('latin1'));
    }
  }
  for (let i = 0; i < b.length; i++) {
    const c = Buffer.from(b);
    c[i]!++;
    out.push(c.toString('latin1'));
  }
  return out;
}

test('TestNewVerifier: the key parses and every mangling of it is refused', () => {
  newVerifier(peterVkey);
  const bad = [
    ...manglings(peterVkey),
    'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==', // wrong length, adjusted hash
    'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', // unknown algorithm, adjusted hash
  ];
  for (const k of bad) assert.throws(() => newVerifier(k), Error, `newVerifier(${JSON.stringify(k)})`);
  assert.throws(() => newVerifier(bad.at(-2)!), { message: 'malformed verifier id' });
  assert.throws(() => newVerifier(bad.at(-1)!), { message: 'unknown verifier algorithm' });
  assert.throws(() => newVerifier(peterVkey.replace('c74f20a3', 'c74f20a4')), {
    message: 'invalid verifier hash',
  });
});

test('TestNewSigner: the key parses and every mangling of it is refused', () => {
  newSigner(peterSkey);
  for (const k of manglings(peterSkey)) {
    assert.throws(() => newSigner(k), Error, `newSigner(${JSON.stringify(k)})`);
  }
});

function checkSignerAndVerifier(name: string, signer: Signer, verifier: Verifier) {
  assert.equal(signer.name, name);
  assert.equal(verifier.name, name);
  assert.equal(signer.keyHash, verifier.keyHash);
  const m = Buffer.from('hi');
  const sig = Buffer.from(signer.sign(m));
  assert.ok(verifier.verify(m, sig), 'verify a fresh signature');
  sig[0]!++;
  assert.ok(!verifier.verify(m, sig), 'corrupt signature must fail');
  sig[0]!--;
  m[0]!++;
  assert.ok(!verifier.verify(m, sig), 'corrupt message must fail');
}

test('TestGenerateKey: a generated pair is self-consistent', () => {
  const { signerKey, verifierKey } = generateKey('EnochRoot');
  checkSignerAndVerifier('EnochRoot', newSigner(signerKey), newVerifier(verifierKey));
  assert.match(signerKey, /^PRIVATE\+KEY\+EnochRoot\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
  assert.match(verifierKey, /^EnochRoot\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
  assert.notEqual(generateKey('EnochRoot').signerKey, signerKey, 'fresh randomness each call');
  assert.throws(() => generateKey('EnochRoot', new Uint8Array(31)), RangeError);
});

test('generateKey refuses names that newSigner would refuse (a deliberate difference from Go)', () => {
  for (const name of ['', 'a+b', 'a b', 'a\u0085b', 'a\u3000b', 'a\uD800b']) {
    assert.throws(() => generateKey(name), { message: 'malformed verifier id' }, JSON.stringify(name));
  }
  // U+FEFF is no space to Go's unicode.IsSpace, though JavaScript's \s says it is.
  newSigner(generateKey('a\uFEFFb').signerKey);
});

test('generateKey with the zero seed of example_test.go reproduces the EnochRoot key', () => {
  const { verifierKey } = generateKey('EnochRoot', new Uint8Array(32));
  assert.equal(verifierKey, enochVkey);
});

test('TestFromEd25519: a verifier key for a raw Ed25519 public key', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(16);
  const vkey = newEd25519VerifierKey('EnochRoot', pub);
  const [, hash] = vkey.split('+');
  const skey = `PRIVATE+KEY+EnochRoot+${hash}+${Buffer.concat([Buffer.of(1), seed]).toString('base64')}`;
  checkSignerAndVerifier('EnochRoot', newSigner(skey), newVerifier(vkey));
  assert.throws(() => newEd25519VerifierKey('EnochRoot', pub.subarray(0, 31)), {
    message: 'invalid public key size 31, expected 32',
  });
});

test('TestSign and ExampleSign: the PeterNeumann signed note', () => {
  const signer = newSigner(peterSkey);
  const want = `${text}\n${peterSig}`;
  assert.equal(sign({ text }, signer).toString('utf8'), want);
  // An existing signature by the same key is replaced, not repeated.
  assert.equal(
    sign({ text, sigs: [{ name: 'PeterNeumann', hash: 0xc74f20a3, base64: 'BADSIGN=' }] }, signer).toString(),
    want,
  );

  assert.throws(() => sign({ text: 'abc' }, signer), { message: 'malformed note' });
  assert.throws(() => sign({ text, sigs: [{ name: 'a+b', hash: 0, base64: 'ABCD' }] }), {
    message: 'malformed note',
  });
  assert.throws(
    () => sign({ text, sigs: [{ name: 'PeterNeumann', hash: 0xc74f20a3, base64: 'BADHASH=' }] }),
    {
      message: 'malformed note',
    },
  );
  const badSigner: Signer = { name: 'bad name', keyHash: signer.keyHash, sign: (m) => signer.sign(m) };
  assert.throws(() => sign({ text }, badSigner), { message: 'invalid signer' });
  const surprise = new Error('surprise!');
  const errSigner: Signer = {
    name: signer.name,
    keyHash: signer.keyHash,
    sign: () => {
      throw surprise;
    },
  };
  assert.throws(
    () => sign({ text }, errSigner),
    (err) => err === surprise,
  );
});

test('ExampleSign_add_signatures: re-signing an opened note with the zero-seed EnochRoot key', () => {
  const n = open(msg(`${text}\n${peterSig}`), verifierList(newVerifier(peterVkey)));
  const me = newSigner(generateKey('EnochRoot', new Uint8Array(32)).signerKey);
  assert.equal(sign(n, me).toString('utf8'), `${text}\n${peterSig}${enochSig}`);
});

test('TestVerifierList: lookups, unknown keys and ambiguous keys', () => {
  const peterVerifier = newVerifier(peterVkey);
  const enochVerifier = newVerifier(enochVkey);
  const list = verifierList(peterVerifier, enochVerifier, enochVerifier);
  assert.equal(list.verifier('PeterNeumann', 0xc74f20a3), peterVerifier);
  assert.throws(() => list.verifier('PeterNeumann', 0xc74f20a4), {
    message: 'unknown key PeterNeumann+c74f20a4',
  });
  assert.throws(() => list.verifier('PeterNeuman', 0xc74f20a3), {
    message: 'unknown key PeterNeuman+c74f20a3',
  });
  assert.throws(() => list.verifier('EnochRoot', 0xaf0cfe78), {
    message: 'ambiguous key EnochRoot+af0cfe78',
  });
});

test('ExampleOpen: the verified note names its signer', () => {
  const n = open(msg(`${text}\n${peterSig}`), [newVerifier(peterVkey)]);
  assert.equal(
    `${n.sigs[0]!.name} (${n.sigs[0]!.hash.toString(16)}):\n${n.text}`,
    `PeterNeumann (c74f20a3):\n${text}`,
  );
});

test('TestOpen: verified, unverified, duplicated and invalid signatures', () => {
  const peterVerifier = newVerifier(peterVkey);
  const enochVerifier = newVerifier(enochVkey);

  let n = open(msg(`${text}\n${peterSig}${enochSig}`), verifierList(peterVerifier));
  assert.equal(n.text, text);
  assert.deepEqual(n.sigs, [peter]);
  assert.deepEqual(n.unverifiedSigs, [enoch]);

  n = open(msg(`${text}\n${peterSig}${enochSig}`), verifierList(peterVerifier, enochVerifier));
  assert.deepEqual(n.sigs, [peter, enoch]);
  assert.deepEqual(n.unverifiedSigs, []);

  assert.throws(
    () => open(msg(`${text}\n${peterSig}${enochSig}`), verifierList()),
    (err) => {
      assert.ok(err instanceof UnverifiedNoteError);
      assert.equal(err.message, 'note has no verifiable signatures');
      assert.deepEqual(err.note.sigs, []);
      assert.deepEqual(err.note.unverifiedSigs, [peter, enoch]);
      return true;
    },
  );

  assert.throws(
    () => open(msg(`${text}\n${enochSig}`), verifierList(enochVerifier, peterVerifier, enochVerifier)),
    {
      message: 'ambiguous key EnochRoot+af0cfe78',
    },
  );
  open(msg(`${text}\n${peterSig}`), verifierList(enochVerifier, peterVerifier, enochVerifier));

  for (const known of [verifierList(peterVerifier), verifierList()]) {
    assert.throws(() => open(msg(`${text}\n${peterSig.repeat(101)}`), known), MalformedNoteError);
  }
  open(msg(`${text}\n${peterSig.repeat(100)}`), [peterVerifier]);

  assert.throws(
    () => open(msg(`${text}\n${spliceBytes(peterSig, 60, 'ABCD')}`), verifierList(peterVerifier)),
    (err) =>
      err instanceof InvalidSignatureError &&
      err.message === 'invalid signature for key PeterNeumann+c74f20a3',
  );

  const enochABCD = {
    ...enoch,
    base64:
      'rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5nABCD2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=',
  };
  n = open(
    msg(`${text}\n${peterSig}${peterSig}${enochSig}${enochSig}${spliceBytes(enochSig, 60, 'ABCD')}`),
    verifierList(peterVerifier),
  );
  assert.deepEqual(n.sigs, [peter]);
  assert.deepEqual(n.unverifiedSigs, [enoch, enochABCD]);
});

test('TestOpen: invalid encoded message syntax', () => {
  const badMsgs: Buffer[] = [
    msg(text),
    msg(`${text}\n`),
    msg(`${text}\n${peterSig.slice(0, -1)}`),
    msg(`\x01${text}\n${peterSig}`),
    Buffer.concat([Buffer.of(0xff), msg(`${text}\n${peterSig}`)]),
    msg(
      `${text}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
    ),
    msg(`${text}\n${peterSig}Unexpected line.\n`),
  ];
  for (const m of badMsgs) {
    assert.throws(
      () => open(m, verifierList(newVerifier(peterVkey))),
      { message: 'malformed note' },
      m.toString(),
    );
  }
});

test('open: the byte-level rules Go applies beyond its own test table', () => {
  const v = [newVerifier(peterVkey)];
  const cases: Array<[string, Buffer]> = [
    [
      'surrogate encoded as UTF-8',
      Buffer.concat([Buffer.from([0xed, 0xa0, 0x80]), msg(`${text}\n${peterSig}`)]),
    ],
    ['overlong NUL', Buffer.concat([Buffer.from([0xc0, 0x80]), msg(`${text}\n${peterSig}`)])],
    ['carriage return', msg(`${text}\n${peterSig.replace('\n', '\r\n')}`)],
    ['name with U+0085', msg(`${text}\n${peterSig.replace('PeterNeumann', 'Peter\u0085Neumann')}`)],
    ['no space before signature', msg(`${text}\n\u2014 PeterNeumann\n`)],
    ['empty signature', msg(`${text}\n\u2014 PeterNeumann \n`)],
    ['four-byte signature', msg(`${text}\n\u2014 PeterNeumann x08gow==\n`)],
    ['unpadded base64', msg(`${text}\n${peterSig.replace('=\n', '\n')}`)],
    ['hyphen, not em dash', msg(`${text}\n${peterSig.replace('\u2014', '-')}`)],
  ];
  for (const [what, m] of cases) assert.throws(() => open(m, v), MalformedNoteError, what);
  // The split is at the last blank line, so the text may contain blank lines of its own.
  assert.equal(open(sign({ text: 'a\n\nb\n' }, newSigner(peterSkey)), v).text, 'a\n\nb\n');
});

test('TestOpen: a Verifiers that answers with the wrong key is caught', () => {
  const peterVerifier = newVerifier(peterVkey);
  const fixed: Verifiers = { verifier: () => peterVerifier };
  assert.throws(
    () => open(msg(`${text}\n${peterSig.replaceAll('PeterNeumann', 'CarmenSandiego')}`), fixed),
    MismatchedVerifierError,
  );
  assert.throws(
    () => open(msg(`${text}\n${peterSig.replaceAll('x08g', 'xxxx')}`), fixed),
    MismatchedVerifierError,
  );
});
