// The production CheckFactory: the checks of src/checks/registry.ts and one
// MaintenanceDir per maintenancedir (kept across attempts and reloads, so its
// reverse-DNS cache is shared by every job).
import { connectCheck, externalCheck, externalPerlCheck, negotiateCheck, pingCheck } from '../checks/registry.js';
import { MaintenanceDir } from '../checks/maintenance.js';
import type { CheckFactory, MaintenanceProbe } from './attempt.js';

/** The CheckFactory the daemon uses. */
export function defaultCheckFactory(): CheckFactory {
  const dirs = new Map<string, MaintenanceProbe>();
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
