import { expect, test } from '@jest/globals';
import { SERVICES } from '../../src/config/model.js';
import { CheckCode } from '../../src/checks/result.js';
import { negotiateCheck, noDriverCheck, noneCheck } from '../../src/checks/registry.js';
import { httpCheck } from '../../src/checks/http.js';
import { simpletcpCheck } from '../../src/checks/simpletcp.js';
import { protocolChecks } from '../../src/checks/protocols/index.js';
import { makeTarget } from '../helpers/target.js';

test('core services map to this folder, the others to protocols/', () => {
  expect(negotiateCheck('http')).toBe(httpCheck);
  expect(negotiateCheck('https')).toBe(httpCheck);
  expect(negotiateCheck('http_proxy')).toBe(httpCheck);
  expect(negotiateCheck('simpletcp')).toBe(simpletcpCheck);
  expect(negotiateCheck('none')).toBe(noneCheck);
  for (const s of SERVICES) {
    const fn = protocolChecks[s];
    if (fn && !['http', 'https', 'http_proxy', 'simpletcp', 'none'].includes(s)) expect(negotiateCheck(s)).toBe(fn);
  }
});

test('every service yields a check function', () => {
  for (const s of SERVICES) expect(typeof negotiateCheck(s)).toBe('function');
});

test('a service without implementation fails with NODRIVER and a clear message', async () => {
  const r = await noDriverCheck('oracle')(makeTarget(), new AbortController().signal);
  expect(r).toMatchObject({ ok: false, code: CheckCode.NODRIVER, message: 'no check implementation for service=oracle' });
});

test('none is up with message "-"', async () => {
  const r = await noneCheck(makeTarget(), new AbortController().signal);
  expect(r).toMatchObject({ ok: true, message: '-' });
});
