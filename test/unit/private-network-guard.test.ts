import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPrivateAddress, PrivateNetworkGuard } from '../../src/sources/private-network-guard.js';

test('private, local and reserved addresses are recognised, public ones are not', () => {
  for (const a of [
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    '::ffff:10.0.0.1',
  ])
    assert.equal(isPrivateAddress(a), true, a);
  for (const a of [
    '8.8.8.8',
    '172.32.0.1',
    '93.184.216.34',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    'not-an-ip',
  ])
    assert.equal(isPrivateAddress(a), false, a);
});

test('hosts are checked by what they resolve to; allowed hosts pass; unresolvable ones are left to fail', async () => {
  const dns: Record<string, string[]> = {
    'public.example': ['1.1.1.1'],
    'mixed.example': ['1.1.1.1', '10.0.0.1'],
  };
  const guard = new PrivateNetworkGuard('*.corp.example', async (host) => {
    const found = dns[host];
    if (!found) throw new Error('ENOTFOUND');
    return found;
  });
  await guard.check('public.example');
  await guard.check('nowhere.example');
  await guard.check('git.corp.example');
  await assert.rejects(guard.check('mixed.example'), /it resolves to 10\.0\.0\.1/);
  await assert.rejects(guard.check('[::1]'), /refusing to fetch from ::1: it is ::1/);
  await assert.rejects(guard.check('127.0.0.1'), /gitAllowHosts/);
});
