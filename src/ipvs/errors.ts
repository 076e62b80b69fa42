// Errors of the IPVS layer: one class, a stable `code` per failure mode.

/** Stable codes an IpvsError carries. */
export type IpvsErrorCode =
  | 'EIPVSADM_NOTFOUND' // no ipvsadm binary where ldirectord would look
  | 'EIPVSADM_READ' // `ipvsadm -S -n` / `-L -n --thresholds` failed or printed garbage
  | 'EIPVSADM_TIMEOUT' // an ipvsadm run outlived its deadline and was killed
  | 'EIPVSADM_SPAWN' // the process could not be started at all
  | 'EIPVS_PARSE'; // a rule line we cannot understand

/** Any failure of the IPVS layer that is not a per-command outcome. */
export class IpvsError extends Error {
  readonly code: IpvsErrorCode;
  /** ipvsadm's exit status, when it ran and exited. */
  readonly exitCode?: number;
  /** ipvsadm's stderr (trimmed), when it ran. */
  readonly stderr?: string;

  constructor(code: IpvsErrorCode, message: string, details: { exitCode?: number; stderr?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'IpvsError';
    this.code = code;
    if (details.exitCode !== undefined) this.exitCode = details.exitCode;
    if (details.stderr !== undefined) this.stderr = details.stderr;
  }
}
