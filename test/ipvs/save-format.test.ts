// Rendering commands as ipvsadm argv / -R lines and parsing them back; -S and -L parsing.
import { describe, expect, test } from '@jest/globals';
import { mergeThresholds, parseThresholds } from '../../src/ipvs/list-format.js';
import { commandArgs, commandLine, parseCommand, parseSave, renderSave } from '../../src/ipvs/save-format.js';
import { makeService, makeTable, sameTable, serviceKey } from '../../src/ipvs/table.js';
import type { IpvsCommand, IpvsDest, IpvsService } from '../../src/ipvs/types.js';

const tcp = makeService({ protocol: 'tcp', af: 4, addr: '127.0.0.1:80', scheduler: 'wrr', ops: false });
const v6 = makeService({ protocol: 'tcp', af: 6, addr: '[::1]:80', scheduler: 'wrr', persistent: 300, netmask: '64', ops: false });
const udp = makeService({ protocol: 'udp', af: 4, addr: '127.0.0.1:53', scheduler: 'sh', schedflags: 'sh-port', persistent: 60, netmask: '255.255.255.0', ops: true });
const fwm6 = makeService({ protocol: 'fwm', af: 6, addr: '7', scheduler: 'rr', ops: false });
const dest: IpvsDest = { addr: '127.0.0.2:80', forward: 'gate', weight: 2, uThreshold: 10, lThreshold: 3 };

describe('render', () => {
  test('ldirectord-style argv', () => {
    expect(commandArgs({ op: 'add-service', service: tcp })).toEqual(['-A', '-t', '127.0.0.1:80', '-s', 'wrr']);
    expect(commandLine({ op: 'edit-service', service: udp })).toBe('-E -u 127.0.0.1:53 -s sh -p 60 -M 255.255.255.0 -b sh-port -o');
    expect(commandLine({ op: 'delete-service', service: fwm6 })).toBe('-D -f 7 -6');
    expect(commandLine({ op: 'add-dest', service: tcp, dest })).toBe('-a -t 127.0.0.1:80 -r 127.0.0.2:80 -g -w 2 -x 10 -y 3');
    expect(commandLine({ op: 'edit-dest', service: v6, dest: { ...dest, addr: '[::1]:8082', forward: 'masq' } }))
      .toBe('-e -t [::1]:80 -r [::1]:8082 -m -w 2 -x 10 -y 3');
    expect(commandLine({ op: 'delete-dest', service: tcp, addr: '127.0.0.2:80' })).toBe('-d -t 127.0.0.1:80 -r 127.0.0.2:80');
  });

  // -D/-a/-e/-d lines name the service, not its attributes: compare what they carry.
  const carried = (c: IpvsCommand) => c.op === 'add-service' || c.op === 'edit-service' ? c
    : { op: c.op, key: serviceKey(c.service), ...('dest' in c ? { dest: c.dest } : {}), ...('addr' in c ? { addr: c.addr } : {}) };

  test('round trip: parseCommand(commandLine(c)) carries the same command', () => {
    const services: IpvsService[] = [tcp, v6, udp, fwm6];
    const cmds: IpvsCommand[] = services.flatMap((service) => [
      { op: 'add-service', service }, { op: 'edit-service', service }, { op: 'delete-service', service },
      { op: 'add-dest', service, dest }, { op: 'edit-dest', service, dest: { ...dest, forward: 'ipip', weight: 0 } },
      { op: 'delete-dest', service, addr: '127.0.0.9:80' },
    ] as IpvsCommand[]);
    for (const c of cmds) {
      expect(carried(parseCommand(commandLine(c)))).toEqual(carried(c));
      expect(carried(parseCommand(commandArgs(c)))).toEqual(carried(c));
    }
  });

  test('IPv6 addresses are canonicalised on parse', () => {
    const c = parseCommand('-a -t [0:0::1]:80 -r [::0001]:81 -m -w 1');
    expect(c).toMatchObject({ service: { addr: '[::1]:80' }, dest: { addr: '[::1]:81' } });
  });

  test('a broken line throws EIPVS_PARSE', () => {
    expect(() => parseCommand('-X -t 1.2.3.4:80')).toThrow(expect.objectContaining({ code: 'EIPVS_PARSE' }));
    expect(() => parseCommand('-a -t 1.2.3.4:80')).toThrow(/no -r/);
  });
});

describe('parseSave', () => {
  const text = [
    '-A -t 127.0.0.1:80 -s wrr -p 300 -M 255.255.255.0',
    '-a -t 127.0.0.1:80 -r 127.0.0.2:80 -g -w 1',
    '-a -t 127.0.0.1:80 -r 127.0.0.3:8080 -m -w 0',
    '-A -u 127.0.0.1:53 -s rr -o',
    '-a -u 127.0.0.1:53 -r 127.0.0.4:53 -i -w 1 --tun-type ipip',
    '-A -f 1 -6 -s rr -p 60 -M 64',
    '-a -f 1 -6 -r [::1]:0 -g -w 3',
    '-A -f 2 -s sh -b sh-port',
    '',
  ].join('\n');

  test('reads services and dests, defaults thresholds to 0', () => {
    const t = parseSave(text);
    expect([...t.keys()]).toEqual(['tcp|127.0.0.1:80', 'udp|127.0.0.1:53', 'fwm6|1', 'fwm|2']);
    expect(t.get('tcp|127.0.0.1:80')!.service).toEqual({ protocol: 'tcp', af: 4, addr: '127.0.0.1:80', scheduler: 'wrr', persistent: 300, netmask: '255.255.255.0', ops: false });
    expect(t.get('tcp|127.0.0.1:80')!.dests.get('127.0.0.3:8080')).toEqual({ addr: '127.0.0.3:8080', forward: 'masq', weight: 0, uThreshold: 0, lThreshold: 0 });
    expect(t.get('udp|127.0.0.1:53')!.dests.get('127.0.0.4:53')!.forward).toBe('ipip');
    expect(t.get('fwm6|1')!.service).toMatchObject({ af: 6, persistent: 60, netmask: '64' });
    expect(t.get('fwm|2')!.service.schedflags).toBe('sh-port');
  });

  test('renderSave -> parseSave round trip (thresholds included)', () => {
    const t = makeTable([
      { service: tcp, dests: [dest, { ...dest, addr: '127.0.0.5:80', uThreshold: 0, lThreshold: 0 }] },
      { service: v6, dests: [{ addr: '[::1]:8082', forward: 'masq', weight: 4, uThreshold: 0, lThreshold: 0 }] },
      { service: udp }, { service: fwm6 },
    ]);
    expect(sameTable(parseSave(renderSave(t)), t)).toBe(true);
  });

  test('a dest before its service is an error', () => {
    expect(() => parseSave('-a -t 127.0.0.1:80 -r 127.0.0.2:80 -g -w 1\n')).toThrow(/before its service/);
  });
});

describe('thresholds listing', () => {
  const listing = [
    'IP Virtual Server version 1.2.1 (size=4096)',
    'Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn ',
    '  -> RemoteAddress:Port',
    'TCP  127.0.0.1:80 wrr persistent 300',
    '  -> 127.0.0.2:80                 10         3          0          0         ',
    'FWM  1 IPv6 rr',
    '  -> [::1]:0                      7          0          0          0         ',
    '',
  ].join('\n');

  test('parseThresholds keys by service and dest', () => {
    const th = parseThresholds(listing);
    expect(th.get('tcp|127.0.0.1:80')!.get('127.0.0.2:80')).toEqual({ u: 10, l: 3 });
    expect(th.get('fwm6|1')!.get('[::1]:0')).toEqual({ u: 7, l: 0 });
  });

  test('mergeThresholds fills them into a -S table', () => {
    const t = mergeThresholds(parseSave('-A -t 127.0.0.1:80 -s wrr -p 300\n-a -t 127.0.0.1:80 -r 127.0.0.2:80 -g -w 1\n'), listing);
    expect(t.get('tcp|127.0.0.1:80')!.dests.get('127.0.0.2:80')).toMatchObject({ uThreshold: 10, lThreshold: 3 });
  });

  test('garbage instead of a listing is EIPVSADM_READ', () => {
    expect(() => parseThresholds('Can\'t initialize ipvs\n')).toThrow(expect.objectContaining({ code: 'EIPVSADM_READ' }));
  });
});
