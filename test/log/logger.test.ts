import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLdLogger, LogOptionsError } from '../../src/log/logger.js';
import { perlLocaltime } from '../../src/log/perl-time.js';
import { Capture } from './helpers/capture.js';
import { buildSrc, runScript } from './helpers/child.js';

const TIME = String.raw`[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}`;

let tmp: string;
let build: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ldts-log-'));
  build = buildSrc();
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(build, { recursive: true, force: true });
});

/** The timestamp of a line must be one of the seconds the call spanned. */
function expectTimeWithin(stamp: string, before: Date, after: Date): void {
  expect([perlLocaltime(before), perlLocaltime(after)]).toContain(stamp);
}

describe('-d (stderr)', () => {
  test('each ld_log line appears twice, DEBUG2 first, as ldirectord -d prints it', async () => {
    // Observed with ldirectord 4.12 -d: "DEBUG2: Added virtual server: 7\nAdded virtual server: 7\n".
    const err = new Capture();
    const log = createLdLogger({ mode: 'stderr', cfgName: 'x.cf', debugLevel: 3, stderr: err });
    log.info('Added virtual server: 7');
    log.info('failed to send SMTP email message\n');
    log.debug(3, 'Deactivated service 127.0.0.2:8081: Socket Connect Failed');
    log.debug(4, 'not shown');
    await log.close();
    expect(err.text).toBe(
      'DEBUG2: Added virtual server: 7\nAdded virtual server: 7\n' +
        'DEBUG2: failed to send SMTP email message\nfailed to send SMTP email message\n' +
        'DEBUG3: Deactivated service 127.0.0.2:8081: Socket Connect Failed\n',
    );
  });

  test('debugLevel 0 prints no DEBUG lines', async () => {
    const err = new Capture();
    const log = createLdLogger({ mode: 'stderr', cfgName: 'x.cf', debugLevel: 0, stderr: err });
    log.info('hello');
    log.debug(1, 'hidden');
    await log.close();
    expect(err.text).toBe('hello\n');
  });
});

describe('supervised (stdout)', () => {
  test('`[LOCALTIME] message`, one write per line, nothing on stderr', async () => {
    const out = new Capture();
    const err = new Capture();
    const log = createLdLogger({ mode: 'stdout', cfgName: 'x.cf', debugLevel: 0, stdout: out, stderr: err });
    const before = new Date();
    log.info('Starting Linux Director v1.186-ha as daemon');
    log.info('two\n');
    const after = new Date();
    await log.close();
    expect(out.writes).toHaveLength(2);
    const m = new RegExp(`^\\[(${TIME})\\] Starting Linux Director v1\\.186-ha as daemon\\n$`).exec(out.writes[0]!);
    expect(m).not.toBeNull();
    expectTimeWithin(m![1]!, before, after);
    expect(out.writes[1]).toMatch(new RegExp(`^\\[${TIME}\\] two\\n$`));
    expect(err.text).toBe('');
  });

  test('a real stdout pipe gets each line as it is logged, before the process does anything else', async () => {
    // The child logs a line, then blocks its event loop on reading stdin; the line must already be out.
    const script =
      `import { createLdLogger } from './src/log/logger.js';\n` +
      `import { readSync } from 'node:fs';\n` +
      `const log = createLdLogger({ mode: 'stdout', cfgName: 'x.cf', debugLevel: 0 });\n` +
      `log.info('first');\n` +
      `readSync(0, Buffer.alloc(1));\n` +
      `log.info('second');\n`;
    const { spawn } = await import('node:child_process');
    const { writeFileSync } = await import('node:fs');
    const file = join(build, 'supervised.mjs');
    writeFileSync(file, script);
    const child = spawn(process.execPath, [file], { cwd: build, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    const first = await new Promise<string>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) resolve(out);
      });
    });
    expect(first).toMatch(new RegExp(`^\\[${TIME}\\] first\\n$`));
    child.stdin.end('x');
    await new Promise((r) => child.on('close', r));
    expect(out).toMatch(new RegExp(`^\\[${TIME}\\] first\\n\\[${TIME}\\] second\\n$`));
  });
});

describe('log file', () => {
  afterEach(() => {
    rmSync(join(tmp, 'sub'), { recursive: true, force: true });
  });

  test('`[LOCALTIME|CFGNAME|PID] message`, chomped once, pid asked per line', async () => {
    const file = join(tmp, 'ld.log');
    let pid = 4242;
    const log = createLdLogger({ mode: 'file', file, cfgName: 'ldirectord.cf', pid: () => pid, debugLevel: 0 });
    const before = new Date();
    log.info('Added real server: 127.0.0.2:80 (127.0.0.1:80) (Weight set to 1)');
    pid = 4343;
    log.info('two newlines\n\n');
    log.info('a|b%c');
    const after = new Date();
    await log.close();
    const text = readFileSync(file, 'latin1');
    const re = new RegExp(
      `^\\[(${TIME})\\|ldirectord\\.cf\\|4242\\] Added real server: 127\\.0\\.0\\.2:80 \\(127\\.0\\.0\\.1:80\\) \\(Weight set to 1\\)\\n` +
        `\\[${TIME}\\|ldirectord\\.cf\\|4343\\] two newlines\\n\\n` +
        `\\[${TIME}\\|ldirectord\\.cf\\|4343\\] a\\|b%c\\n$`,
    );
    const m = re.exec(text);
    expect(m).not.toBeNull();
    expectTimeWithin(m![1]!, before, after);
  });

  test('survives logrotate: after a rename the next line creates a new file', async () => {
    const file = join(tmp, 'rot.log');
    const log = createLdLogger({ mode: 'file', file, cfgName: 'a.cf', pid: () => 1, debugLevel: 0 });
    log.info('before rotate');
    await log.flush();
    renameSync(file, `${file}.1`);
    log.info('after rotate');
    await log.close();
    expect(readFileSync(`${file}.1`, 'utf8')).toMatch(/\|a\.cf\|1\] before rotate\n$/);
    expect(readFileSync(file, 'utf8')).toMatch(new RegExp(`^\\[${TIME}\\|a\\.cf\\|1\\] after rotate\\n$`));
  });

  test('an unwritable file is reported once on stderr, every message still reaches stderr, writing resumes', async () => {
    // In a child process: it is the real stderr of a daemon that must not die.
    const dirPath = join(tmp, 'sub');
    const file = join(dirPath, 'ld.log');
    const script =
      `import { createLdLogger } from './src/log/logger.js';\n` +
      `import { mkdirSync } from 'node:fs';\n` +
      `const log = createLdLogger({ mode: 'file', file: ${JSON.stringify(file)}, cfgName: 'c.cf', debugLevel: 0 });\n` +
      `log.info('lost 1'); log.info('lost 2'); log.info('lost 3');\n` +
      `await log.flush();\n` +
      `mkdirSync(${JSON.stringify(dirPath)});\n` +
      `log.info('kept 1'); log.info('kept 2');\n` +
      `await log.close();\n` +
      `console.log('alive');\n`;
    const r = await runScript(build, script);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('alive\n');
    const lines = r.stderr.split('\n');
    expect(lines.filter((l) => l.startsWith(`ldirectord: cannot write log file ${file}: ENOENT`))).toHaveLength(1);
    expect(lines.filter((l) => /^lost \d$/.test(l))).toEqual(['lost 1', 'lost 2', 'lost 3']);
    expect(r.stderr).toContain(`ldirectord: log file ${file} is writable again\n`);
    expect(r.stderr).not.toContain('kept');
    expect(readFileSync(file, 'utf8')).toMatch(new RegExp(`^\\[${TIME}\\|c\\.cf\\|\\d+\\] kept 1\\n\\[${TIME}\\|c\\.cf\\|\\d+\\] kept 2\\n$`));
  });
});

describe('options', () => {
  test('file mode without a file and syslog without a facility are errors with a code', () => {
    expect(() => createLdLogger({ mode: 'file', cfgName: 'c', debugLevel: 0 })).toThrow(LogOptionsError);
    try {
      createLdLogger({ mode: 'syslog', cfgName: 'c', debugLevel: 0 });
    } catch (e) {
      expect((e as LogOptionsError).code).toBe('ELOGOPTIONS');
    }
    expect.assertions(2);
  });
});
