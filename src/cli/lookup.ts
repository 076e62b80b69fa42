// Which config file and which command: ldirectord's ld_init argument rules.
import { statSync } from 'node:fs';

/** The commands ldirectord accepts, plus our configtest extension. */
export const COMMANDS = ['start', 'stop', 'status', 'restart', 'try-restart', 'reload', 'force-reload'] as const;
/** One of ldirectord's command words, or the configtest extension. */
export type Command = (typeof COMMANDS)[number] | 'configtest';

/** The config and command named on the command line. */
export interface Invocation {
  /** The config argument as given ("ldirectord.cf" when omitted). */
  readonly config: string;
  /** CFGNAME: basename of the config argument, "ldirectord" when omitted. */
  readonly cfgName: string;
  readonly command: Command;
  /** configtest --json (extension). */
  readonly json: boolean;
}

/** Split `[config] command [extra...]`; undefined means usage(). */
export function parseInvocation(rest: readonly string[]): Invocation | undefined {
  // Extension forms first: "[CFG] configtest [--json]". ldirectord rejects every
  // one of them with usage, so accepting them changes nothing it accepts.
  const ct = rest.indexOf('configtest');
  if (ct === 0 || ct === 1) {
    const after = rest.slice(ct + 1);
    if (after.length > 1 || (after.length === 1 && after[0] !== '--json')) return undefined;
    const json = after.length === 1;
    return ct === 0
      ? { config: 'ldirectord.cf', cfgName: 'ldirectord', command: 'configtest', json }
      : { config: rest[0]!, cfgName: cfgNameOf(rest[0]!), command: 'configtest', json };
  }
  if (rest.length === 0) return undefined;
  // ldirectord: two or more arguments = CONFIG CMD (extra ones ignored), one = CMD.
  const [config, cfgName, command] = rest.length >= 2
    ? [rest[0]!, cfgNameOf(rest[0]!), rest[1]!]
    : ['ldirectord.cf', 'ldirectord', rest[0]!];
  if (!(COMMANDS as readonly string[]).includes(command)) return undefined;
  return { config, cfgName, command: command as Command, json: false };
}

/** `$CONFIG =~ /([^\/]+)$/`: the part after the last slash ("" for a trailing slash, where Perl leaves it undefined). */
export function cfgNameOf(config: string): string {
  const m = /([^/]+)$/.exec(config);
  return m ? m[1]! : '';
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** /etc/ha.d/NAME, then /etc/ha.d/conf/NAME, then NAME itself; undefined when none is a file. */
export function findConfig(config: string, root = '/etc/ha.d'): string | undefined {
  // Plain concatenation, as Perl's "/etc/ha.d/$CONFIG" (an absolute name gives "//", which still works).
  for (const p of [`${root}/${config}`, `${root}/conf/${config}`]) if (isFile(p)) return p;
  return isFile(config) ? config : undefined;
}
