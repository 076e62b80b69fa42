// `ldirectord [CFG] diff [--json]` (extension): the running daemon compares its
// desired table with a fresh read of the live one and returns the ipvsadm
// commands that would reconcile them. Nothing is run. Exit 0 in sync, 1 not.
import { askDaemon, type QueryIO } from './report.js';

/** What the daemon's `diff` handler returns. */
export interface DiffAnswer {
  readonly ipvsadm: string;
  readonly shadow: boolean;
  readonly inSync: boolean;
  readonly drift: readonly { readonly kind: string; readonly message: string; readonly command: string }[];
}

/** Exit status when the table differs from what the daemon wants. */
export const EXIT_DRIFT = 1;

/** Run `diff`; the output is a shell script: `#` comments and ipvsadm command lines. */
export async function runDiff(io: QueryIO, socket: string, configFile: string, json: boolean): Promise<number> {
  const got = await askDaemon(io, socket, configFile, 'diff');
  if ('exit' in got) return got.exit;
  const d = got.result as DiffAnswer;
  io.stdout(json ? `${JSON.stringify(d, null, 2)}\n` : formatDiff(d));
  return d.inSync ? 0 : EXIT_DRIFT;
}

/** The readable form. */
export function formatDiff(d: DiffAnswer): string {
  if (d.inSync) return '# in sync: the IPVS table holds what the daemon wants\n';
  const lines = [`# ${d.drift.length} difference(s) between the IPVS table and what the daemon wants; nothing was changed.`];
  if (d.shadow) lines.push('# (the daemon runs in shadow mode: it never writes the table)');
  for (const x of d.drift) lines.push(`# ${x.message}`, `${d.ipvsadm} ${x.command}`);
  return `${lines.join('\n')}\n`;
}
