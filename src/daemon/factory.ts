// The real check functions, as the scheduler asks for them.
import { MaintenanceDir } from '../checks/maintenance.js';
import { connectCheck, externalCheck, externalPerlCheck, negotiateCheck, pingCheck } from '../checks/registry.js';
import type { CheckFactory } from '../scheduler/attempt.js';

/** The production CheckFactory: registry checks, one cached MaintenanceDir per directory. */
export function checkFactory(): CheckFactory {
  const dirs = new Map<string, MaintenanceDir>();
  return {
    negotiateCheck,
    connectCheck,
    pingCheck,
    externalCheck,
    externalPerlCheck,
    maintenance(dir) {
      let probe = dirs.get(dir);
      if (!probe) dirs.set(dir, (probe = new MaintenanceDir(dir)));
      return probe;
    },
  };
}
