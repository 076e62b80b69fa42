// Where the control socket lives: next to the pid file, named like it.
import { join } from 'node:path';
import { runDir } from '../daemon/pidfile.js';

/** `RUNDIR/ldirectord.<cfgName>.sock` (LDIRECTORD_RUNDIR overrides RUNDIR, as for the pid file). */
export function controlSocketPath(cfgName: string, dir: string = runDir()): string {
  return `${join(dir, 'ldirectord')}.${cfgName}.sock`;
}
