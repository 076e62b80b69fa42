// A real SMTP server for tests, on a loopback address and port 25: it speaks
// just enough ESMTP and records every command and message it receives.

import { createServer, type Server, type Socket } from 'node:net';

/** One received message. */
export interface Received {
  helo: string;
  mailFrom: string;
  rcptTo: string[];
  /** DATA content as sent, CRLF line ends, dot-unstuffed, without the final ".\r\n". */
  data: string;
}

/** A listening sink. */
export interface SmtpSink {
  readonly host: string;
  readonly messages: Received[];
  /** Every line received, in order, on every connection. */
  readonly transcript: string[];
  close(): Promise<void>;
}

/** Listen on host:25. `silent` accepts connections and never greets (a hung server). */
export function startSmtpSink(host: string, opts: { silent?: boolean; offerStarttls?: boolean } = {}): Promise<SmtpSink> {
  const messages: Received[] = [];
  const transcript: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    if (opts.silent) return;
    let buf = '';
    let inData = false;
    let cur: Received = { helo: '', mailFrom: '', rcptTo: [], data: '' };
    sock.write('220 sink.test ESMTP\r\n');
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        transcript.push(line);
        if (inData) {
          if (line === '.') {
            inData = false;
            messages.push(cur);
            cur = { helo: cur.helo, mailFrom: '', rcptTo: [], data: '' };
            sock.write('250 2.0.0 queued\r\n');
          } else {
            cur.data += `${line.startsWith('.') ? line.slice(1) : line}\r\n`;
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') {
          cur.helo = line.slice(5);
          sock.write(opts.offerStarttls ? '250-sink.test\r\n250-STARTTLS\r\n250 8BITMIME\r\n' : '250-sink.test\r\n250 8BITMIME\r\n');
        } else if (verb === 'MAIL') {
          cur.mailFrom = line.slice(10);
          sock.write('250 2.1.0 ok\r\n');
        } else if (verb === 'RCPT') {
          cur.rcptTo.push(line.slice(8));
          sock.write('250 2.1.5 ok\r\n');
        } else if (verb === 'DATA') {
          inData = true;
          sock.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') {
          sock.end('221 2.0.0 bye\r\n');
        } else {
          sock.write('502 5.5.2 not here\r\n');
        }
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(25, host, () =>
      resolve({
        host,
        messages,
        transcript,
        close: () =>
          new Promise<void>((res) => {
            sockets.forEach((s) => s.destroy());
            server.close(() => res());
          }),
      }),
    );
  });
}
