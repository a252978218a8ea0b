import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from './run-command.js';
import { registerPrivateKey } from './secret-registry.js';

export interface TestCertificate {
  key: string;
  cert: string;
  keyFile: string;
  certFile: string;
}

/** A certificate for 127.0.0.1 that is its own CA, made in `dir` by the openssl command. */
export async function selfSignedCertificate(dir: string): Promise<TestCertificate> {
  const keyFile = join(dir, 'tls.key');
  const certFile = join(dir, 'tls.crt');
  const r = await runCommand('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  if (r.code !== 0) throw new Error(`openssl could not make a test certificate: ${r.stderr}`);
  const key = await readFile(keyFile, 'utf8');
  registerPrivateKey('tls private key', key);
  return { key, cert: await readFile(certFile, 'utf8'), keyFile, certFile };
}
