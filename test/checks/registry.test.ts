import { expect, test } from '@jest/globals';
import { SERVICES } from '../../src/config/model.js';
import { CheckCode } from '../../src/checks/result.js';
import {
  checkFor,
  connectCheck,
  externalCheck,
  externalPerlCheck,
  negotiateCheck,
  noDriverCheck,
  noneCheck,
  pingCheck,
} from '../../src/checks/registry.js';
import { httpCheck } from '../../src/checks/http.js';
import { simpletcpCheck } from '../../src/checks/simpletcp.js';
import { protocolChecks } from '../../src/checks/protocols/index.js';
import { monitorMessage, monitorState } from '../../src/checks/monitor.js';
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
  expect(monitorState(r)).toBe('up');
  expect(monitorMessage(r)).toBe('-');
  expect(monitorMessage({ ...r, ok: false, message: '' })).toBe('-');
});

test('checkFor dispatches like ldirectord: connect on udp is ping', () => {
  const v = { protocol: 'tcp', service: 'http' } as const;
  expect(checkFor({ ...v, checktype: 'connect' })).toBe(connectCheck);
  expect(checkFor({ ...v, protocol: 'udp', checktype: 'connect' })).toBe(pingCheck);
  expect(checkFor({ ...v, checktype: 'negotiate' })).toBe(httpCheck);
  expect(checkFor({ ...v, checktype: 'combined' })).toBe(httpCheck);
  expect(checkFor({ ...v, checktype: 'ping' })).toBe(pingCheck);
  expect(checkFor({ ...v, checktype: 'external' })).toBe(externalCheck);
  expect(checkFor({ ...v, checktype: 'external-perl' })).toBe(externalPerlCheck);
  expect(checkFor({ ...v, checktype: 'on' })).toBeDefined();
  expect(checkFor({ ...v, checktype: 'off' })).toBeUndefined();
});
