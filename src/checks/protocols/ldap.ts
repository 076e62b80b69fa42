// ldap / ldaps: check_ldap's dialogue through ldapts: bind (simple with login and
// passwd when both are set, else anonymous), a base-scope search of the request
// without its leading '/' with (objectClass=*), exactly one entry, and receive= as
// a regex on its DN. ldapts's own timeouts do not cover a peer that stops
// mid-dialogue, so its sockets are created here and destroyed on abort.
import net from 'node:net';
import tls from 'node:tls';
import { Client, InvalidCredentialsError } from 'ldapts';
import type { CheckFn } from '../types.js';
import { CheckCode } from '../result.js';
import { CheckError, describe, hostPort, receiveRegex, runCheck, transportError } from './session.js';
import { nodeTlsOptions, tlsOptionsFor } from './stream.js';

/** Build the ldap (tls=false) or ldaps (tls=true) check. */
export function ldapCheck(useTls: boolean): CheckFn {
  return ({ virtual, real }, signal) =>
    runCheck(signal, async (s) => {
      const where = hostPort(real.ip, real.checkPort);
      const receive = real.receive === '' ? undefined : receiveRegex(real.receive);
      const sockets: net.Socket[] = [];
      s.defer(() => sockets.forEach((sock) => sock.destroy()));
      const track = <T extends net.Socket>(sock: T): T => {
        sockets.push(sock);
        sock.once('connect', () => {
          if (s.phase === 'connect') s.phase = useTls ? 'tls' : 'dialogue';
        });
        sock.once('secureConnect', () => {
          s.phase = 'dialogue';
        });
        return sock;
      };
      const client = new Client({
        url: `${useTls ? 'ldaps' : 'ldap'}://${where}`,
        tlsOptions: useTls ? nodeTlsOptions(tlsOptionsFor(virtual), real.ip) : undefined,
        // ldapts calls these as (port, host[, tlsOptions]); pass the arguments through untouched.
        createConnection: ((...args: Parameters<typeof net.connect>) => track(net.connect(...args))) as typeof net.connect,
        createSecureConnection: ((...args: Parameters<typeof tls.connect>) => track(tls.connect(...(args as unknown as [tls.ConnectionOptions])))) as typeof tls.connect,
      });
      s.defer(() => void client.unbind().catch(() => undefined));
      try {
        if (virtual.login !== '' && virtual.passwd !== '') await client.bind(virtual.login, virtual.passwd);
        else await client.bind('', '');
      } catch (err) {
        if (s.phase === 'connect') throw transportError(err, 'connect', where);
        if (err instanceof InvalidCredentialsError) throw new CheckError(CheckCode.L7RSP, `Bind failed: ${err.message}`);
        if (s.phase === 'tls') {
          throw new CheckError(CheckCode.L6RSP, `TLS handshake failed: ${describe(err)} (${where})`);
        }
        throw new CheckError(CheckCode.L7RSP, `Bind failed: ${describe(err)}`);
      }
      const base = real.request.replace(/^\//, '');
      let entries: Array<{ dn: string }>;
      try {
        ({ searchEntries: entries } = await client.search(base, { scope: 'base', filter: '(objectClass=*)' }));
      } catch (err) {
        throw new CheckError(CheckCode.L7RSP, `No answer received: search of ${JSON.stringify(base)}: ${describe(err)}`);
      }
      if (entries.length !== 1) throw new CheckError(CheckCode.L7RSP, `No answer received: ${entries.length} entries for ${JSON.stringify(base)}`);
      const dn = entries[0]!.dn;
      if (receive && !receive.test(dn)) throw new CheckError(CheckCode.L7RSP, `Response mismatch: ${dn} !~ /${real.receive}/`);
      return `Success: ${dn}`;
    });
}

/** service=ldap */
export const checkLdap: CheckFn = ldapCheck(false);
/** service=ldaps */
export const checkLdaps: CheckFn = ldapCheck(true);
