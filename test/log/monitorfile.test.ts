import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeMonitorMessage, MonitorFile, monitorLine, monitorRealId } from '../../src/log/monitorfile.js';
import { perlLocaltime } from '../../src/log/perl-time.js';
import { memoryLogger } from './helpers/memory-logger.js';
import { run } from './helpers/child.js';

const TIME = String.raw`[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}`;


// Real ids as get_real_id_str builds them (quotemeta'd request/receive), and messages with every special.
const IDS = [
  'connect:tcp:127.0.0.2:8081:::2:masq:\\/:',
  'negotiate:http:tcp:127.0.0.2:80:www.example.com:8080:1:gate:\\/check\\.html:OK\\ \\:\\:',
  'external:/usr/local/bin/check a:fwm:[::1]:0:::5:ipip:\\/:',
  'a: :b::::c\\\\d',
];
const MESSAGES = ['', 'ok', '100% up|down\r\nnext', '%%||', 'colon: kept', 'tab\there'];

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ldts-mon-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('monitorfile line', () => {
  test('id squeezing and message escaping match service_set, run in perl', async () => {
    // service_set's own statements, fed the same inputs.
    const perl =
      'my ($id, @m) = @ARGV; $id =~ tr/:/ /s; $id =~ s/\\\\//g; print "$id\\n";' +
      'for my $m (@m) { $m = "-" if $m eq ""; $m =~ s/([%|\\r\\n])/sprintf("%%%.2x", ord($1))/eg; print "$m\\n"; }';
    for (const id of IDS) {
      const r = await run('perl', ['-e', perl, id, ...MESSAGES]);
      expect(r.code).toBe(0);
      const [pid, ...pms] = r.stdout.split('\n').slice(0, -1);
      expect(monitorRealId(id)).toBe(pid);
      expect(MESSAGES.map(escapeMonitorMessage)).toEqual(pms);
    }
  });

  test('the line seen from ldirectord 4.12 for a down connect check', () => {
    // Copied from a monitorfile written by /usr/sbin/ldirectord (pid 11760).
    expect(monitorLine('Thu Nov 26 14:42:39 2026', 11760, 'connect:tcp:127.0.0.2:8081:::2:masq:\\/:', 'down', '')).toBe(
      '[Thu Nov 26 14:42:39 2026] [11760] connect tcp 127.0.0.2 8081 2 masq /  [down] -\n',
    );
  });
});

describe('MonitorFile', () => {
  test('appends lines in order with time and pid, and a rotated file is recreated', async () => {
    const file = join(tmp, 'mon.log');
    const mf = new MonitorFile({ logger: memoryLogger(), pid: () => 77 });
    const before = new Date();
    void mf.write(file, 'connect:tcp:127.0.0.2:80:::1:gate:\\/:', 'up', 'L4OK|fine');
    await mf.write(file, 'connect:tcp:127.0.0.3:80:::1:gate:\\/:', 'down', 'refused\n');
    const after = new Date();
    const text = readFileSync(file, 'utf8');
    const m = new RegExp(
      `^\\[(${TIME})\\] \\[77\\] connect tcp 127\\.0\\.0\\.2 80 1 gate /  \\[up\\] L4OK%7cfine\\n` +
        `\\[${TIME}\\] \\[77\\] connect tcp 127\\.0\\.0\\.3 80 1 gate /  \\[down\\] refused%0a\\n$`,
    ).exec(text);
    expect(m).not.toBeNull();
    expect([perlLocaltime(before), perlLocaltime(after)]).toContain(m![1]);
    renameSync(file, `${file}.1`);
    await mf.write(file, 'x', 'up', '');
    expect(readFileSync(file, 'utf8')).toMatch(new RegExp(`^\\[${TIME}\\] \\[77\\] x \\[up\\] -\\n$`));
  });

  test('an unwritable monitorfile is logged once per outage, never throws, and resumes', async () => {
    const dir = join(tmp, 'later');
    const file = join(dir, 'mon.log');
    const logger = memoryLogger();
    const mf = new MonitorFile({ logger, pid: () => 1 });
    await mf.write(file, 'a', 'down', '');
    await mf.write(file, 'b', 'down', '');
    expect(logger.lines).toEqual([`Error writing to monitorfile '${file}': ENOENT: no such file or directory, open '${file}'`]);
    mkdirSync(dir);
    await mf.write(file, 'c', 'up', '');
    expect(readFileSync(file, 'utf8')).toMatch(/\] \[1\] c \[up\] -\n$/);
    rmSync(dir, { recursive: true });
    await mf.write(file, 'd', 'down', '');
    expect(logger.lines).toHaveLength(2);
  });
});
