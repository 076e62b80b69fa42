// `npm start`: a self-contained demo. Four local HTTP servers on 127.0.0.x play
// real servers that fail and recover on a schedule; the daemon checks them and
// keeps a SIMULATED (in-memory) IPVS table — nothing touches the kernel. The
// screen shows the table and the log live. Ends by itself, or on Ctrl-C, and
// leaves nothing running.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/index.js';
import { startDaemon } from '../src/daemon/daemon.js';
import { MemoryBackend } from '../src/ipvs/memory.js';
import { renderSave } from '../src/ipvs/save-format.js';
import { fileLine } from '../src/log/format.js';
import { perlLocaltime } from '../src/log/perl-time.js';
import type { Logger } from '../src/log/types.js';

type Mode = 'ok' | 'error' | 'hang';

/** A real server whose health the script changes. */
interface Real {
  readonly name: string;
  readonly ip: string;
  mode: Mode;
  server?: Server;
}

const reals: Real[] = [
  { name: 'web1', ip: '127.0.0.11', mode: 'ok' },
  { name: 'web2', ip: '127.0.0.12', mode: 'ok' },
  { name: 'web3', ip: '127.0.0.13', mode: 'ok' },
  { name: 'sorry', ip: '127.0.0.14', mode: 'ok' },
];
const byName = (n: string): Real => reals.find((r) => r.name === n)!;

/** What happens when, in seconds from the start. */
const SCRIPT: [at: number, what: string, act: () => void][] = [
  [6, 'web2 starts answering 500', () => (byName('web2').mode = 'error')],
  [12, 'web3 hangs (accepts, never answers)', () => (byName('web3').mode = 'hang')],
  [18, 'web2 recovers', () => (byName('web2').mode = 'ok')],
  [22, 'web1 and web2 fail: every real of the pool is down', () => {
    byName('web1').mode = 'error';
    byName('web2').mode = 'error';
  }],
  [30, 'web1 recovers: the fallback steps aside', () => (byName('web1').mode = 'ok')],
];
const DURATION_S = Number(process.env.DEMO_SECONDS ?? 38);

const CONFIG = `# ldirectord-ts demo: every address is on loopback.
checkinterval=1
negotiatetimeout=2
logfile="/dev/null"

virtual=127.0.0.10:80
    real=127.0.0.11:8080 masq 3
    real=127.0.0.12:8080 masq 2
    real=127.0.0.13:8080 masq 1
    fallback=127.0.0.14:8080 masq
    service=http
    request="/health"
    receive="OK"
    failurecount=2
    scheduler=wrr

virtual=127.0.0.20:80
    real=127.0.0.11:8080 masq 3
    real=127.0.0.12:8080 masq 2
    service=http
    request="/health"
    receive="OK"
    failurecount=2
    quiescent=yes
`;

async function serve(real: Real): Promise<void> {
  real.server = createServer((req, res) => {
    if (real.mode === 'hang') return; // the check's deadline ends it
    if (real.mode === 'error') res.writeHead(500).end('broken\n');
    else res.writeHead(200).end(`OK from ${real.name}\n`);
  });
  await new Promise<void>((resolve) => real.server!.listen(8080, real.ip, resolve));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ldirectord-demo-'));
  const cfgPath = join(dir, 'demo.cf');
  writeFileSync(cfgPath, CONFIG);
  await Promise.all(reals.map(serve));

  const lines: string[] = [];
  const logger: Logger = {
    info: (m) => lines.push(fileLine(perlLocaltime(), 'demo.cf', process.pid, m).trimEnd()),
    debug: () => {},
  };
  const backend = new MemoryBackend();
  const config = await loadConfig(cfgPath, { name: 'demo.cf', debug: true });
  const daemon = startDaemon(config, logger, {
    configPath: cfgPath, configName: 'demo.cf', debug: true, ipvs: 'simulated', shadow: false, backend,
  });
  await daemon.ready;

  const started = Date.now();
  const events: string[] = [];
  const timers = SCRIPT.map(([at, what, act]) => setTimeout(() => {
    act();
    events.push(`t=${String(at).padStart(2)}s  ${what}`);
  }, at * 1000));
  const tty = process.stdout.isTTY;
  let last = '';
  let printed = 0;
  const draw = (): void => {
    if (!tty) {
      // Not a terminal: stream the log instead of redrawing a screen.
      for (; printed < lines.length; printed++) process.stdout.write(`${lines[printed]}\n`);
    }
    const t = ((Date.now() - started) / 1000).toFixed(0);
    const screen = [
      `ldirectord-ts demo — t=${t}s of ${DURATION_S}s (Ctrl-C to end)`,
      '',
      '=== SIMULATED IPVS table (in memory; the kernel is not touched) — `ipvsadm -S -n` form ===',
      renderSave(backend.snapshot()).trimEnd() || '(empty)',
      '',
      '=== Real servers (local HTTP on 127.0.0.11-14:8080) ===',
      reals.map((r) => `${r.name} ${r.ip}:8080 ${r.mode}`).join('   '),
      '',
      '=== Scenario ===',
      ...(events.length ? events : ['(all healthy)']),
      '',
      '=== Log (ldirectord format) ===',
      ...lines.slice(-14),
    ].join('\n');
    if (screen === last) return;
    last = screen;
    if (tty) process.stdout.write(`\x1b[2J\x1b[H${screen}\n`);
  };
  const view = setInterval(draw, tty ? 300 : 1000);

  let ending = false;
  const end = async (signal: string): Promise<void> => {
    if (ending) return;
    ending = true;
    clearInterval(view);
    timers.forEach(clearTimeout);
    draw();
    if (!tty) process.stdout.write(`\n${last.slice(0, last.indexOf('=== Log'))}`);
    daemon.stop(signal);
    await daemon.stopped;
    await Promise.all(reals.map((r) => new Promise((resolve) => {
      r.server?.closeAllConnections();
      r.server?.close(resolve);
    })));
    rmSync(dir, { recursive: true, force: true });
    for (; printed < lines.length; printed++) process.stdout.write(`${lines[printed]}\n`);
    process.stdout.write('Demo over: servers stopped, nothing left running.\n');
  };
  process.once('SIGINT', () => void end('INT'));
  process.once('SIGTERM', () => void end('TERM'));
  setTimeout(() => void end('TERM'), DURATION_S * 1000).unref();
  await daemon.stopped;
}

main().catch((err) => {
  process.stderr.write(`demo failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
