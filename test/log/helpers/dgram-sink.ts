// A test syslog: an AF_UNIX datagram socket bound by a python3 child (Node
// cannot bind one) that prints every datagram it receives as hex, one a line.

import { spawn, type ChildProcess } from 'node:child_process';

const PY = `
import socket, sys, os
p = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(p)
print("ready", flush=True)
while True:
    d = s.recv(65536)
    print(d.hex(), flush=True)
`;

/** A bound datagram socket and the datagrams it got so far. */
export interface DgramSink {
  path: string;
  /** Datagrams received, decoded as latin1 (so every byte is one char). */
  readonly datagrams: string[];
  /** Resolves once at least n datagrams have arrived. */
  waitFor(n: number): Promise<string[]>;
  close(): Promise<void>;
}

/** Bind a datagram socket at `path` and start collecting. */
export function startDgramSink(path: string): Promise<DgramSink> {
  const child: ChildProcess = spawn('python3', ['-c', PY, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const datagrams: string[] = [];
  const waiters: Array<() => void> = [];
  return new Promise((resolve, reject) => {
    let buf = '';
    let ready = false;
    child.on('error', reject);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!ready && line === 'ready') {
          ready = true;
          resolve(sink);
        } else if (ready) {
          datagrams.push(Buffer.from(line, 'hex').toString('latin1'));
          waiters.splice(0).forEach((w) => w());
        }
      }
    });
    const sink: DgramSink = {
      path,
      datagrams,
      waitFor(n) {
        return new Promise((res) => {
          const check = (): void => (datagrams.length >= n ? res(datagrams) : void waiters.push(check));
          check();
        });
      },
      close() {
        return new Promise((res) => {
          if (child.exitCode !== null || child.signalCode !== null) return res();
          child.once('close', () => res());
          child.kill('SIGTERM');
        });
      },
    };
  });
}
