// IP literal parsing and printing as glibc does it (src/util/ip.ts).

import { describe, expect, test } from '@jest/globals';
import { canonicalLiteral, formatIPv6, parseIPv4, parseIPv6 } from '../../src/util/ip.js';
import { parseServices, ldGetservbyname } from '../../src/config/services.js';
import { quotemeta } from '../../src/config/perl.js';

describe('IPv4 (inet_aton)', () => {
  test.each([
    ['127.0.0.1', '127.0.0.1'], ['127.1', '127.0.0.1'], ['127.0.1', '127.0.0.1'], ['0x7f.1', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'], ['2130706433', '127.0.0.1'], ['1', '0.0.0.1'],
  ])('%s -> %s', (a, b) => expect(canonicalLiteral(a, 4)).toBe(b));
  test.each(['256.0.0.1', '1.2.3.4.5', '08.0.0.1', '', '1.2.3.4 ', 'a.b.c.d', '127.0.0.1.'])('%j is not a literal', (a) => {
    expect(parseIPv4(a)).toBeUndefined();
  });
});

describe('IPv6 (inet_pton / inet_ntop)', () => {
  test.each([
    ['::1', '::1'], ['0:0:0:0:0:0:0:1', '::1'], ['FE80::0001', 'fe80::1'], ['::', '::'], ['1::', '1::'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'], ['1:0:2:0:3:0:4:0', '1:0:2:0:3:0:4:0'], ['::ffff:127.0.0.1', '::ffff:127.0.0.1'],
    ['::7f00:1', '::127.0.0.1'], ['::1:fffe', '::0.1.255.254'], ['2001:db8::1:0:0:1', '2001:db8::1:0:0:1'],
  ])('%s -> %s', (a, b) => expect(canonicalLiteral(a, 6)).toBe(b));
  test.each(['1:2:3:4:5:6:7:8:9', ':::', '1::2::3', 'g::1', '12345::', '127.0.0.1'])('%j is not a literal', (a) => {
    expect(parseIPv6(a)).toBeUndefined();
  });
  test('format all zero words', () => expect(formatIPv6([0, 0, 0, 0, 0, 0, 0, 0])).toBe('::'));
});

describe('/etc/services (getservbyname)', () => {
  const t = parseServices('http\t80/tcp\twww # web\nfsp 21/udp fspd\nftp 21/tcp\ndomain 53/tcp\ndomain 53/udp\n');
  test.each([
    ['http', 'tcp', '80'], ['www', 'tcp', '80'], ['http', 'udp', undefined], ['http', '', '80'], ['fspd', '', '21'],
    ['domain', 'udp', '53'], ['080', 'tcp', '080'], ['65535', '', '65535'], ['65536', '', undefined], ['nope', '', undefined],
  ])('%s/%s -> %s', (name, proto, port) => expect(ldGetservbyname(name, proto, t)).toBe(port));
});

test('quotemeta', () => {
  expect(quotemeta('/a b.c?d=1_Z9')).toBe('\\/a\\ b\\.c\\?d\\=1_Z9');
});
