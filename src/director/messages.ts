// ldirectord's log lines, byte for byte (log-tail monitoring depends on them).
// R is a real's `ip:port`, V a virtual's `ip:port` or fwmark, VID `proto:V`.

/** `Added real server: R (V) (Weight set to W)` and the fallback variant. */
export const added = (tag: ServerTag, r: string, v: string, w: number): string =>
  `Added ${tag} server: ${r} (${v}) (Weight set to ${w})`;

/** `Restored real server: R (V) (Weight set to W)`: the entry existed with other attributes. */
export const restored = (tag: ServerTag, r: string, v: string, w: number): string =>
  `Restored ${tag} server: ${r} (${v}) (Weight set to ${w})`;

/**
 * `Deleted real server: R (V)`. When the entry was found on the virtual's port
 * (gate/ipip reals), ldirectord names it `R' mapped from R`.
 */
export const deleted = (tag: ServerTag, r: string, v: string, mappedFrom?: string): string =>
  `Deleted ${tag} server: ${r} ${mapped(mappedFrom)}(${v})`;

/** `Quiescent real server: R (V) (Weight set to 0)`. */
export const quiescent = (r: string, v: string, mappedFrom?: string): string =>
  `Quiescent real server: ${r} ${mapped(mappedFrom)}(${v}) (Weight set to 0)`;

/** `Readd Quiescent real server: R (V) (Weight set to 0)`: re-added with weight 0 (readdquiescent). */
export const readdQuiescent = (r: string, v: string): string =>
  `Readd Quiescent real server: ${r} (${v}) (Weight set to 0)`;

/** `Soft failure real server: R (VID) failure n/N`. */
export const softFailure = (r: string, vid: string, n: number, max: number): string =>
  `Soft failure real server: ${r} (${vid}) failure ${n}/${max}`;

/** `Resetting soft failure count: R (VID)`. */
export const resetSoftFailure = (r: string, vid: string): string =>
  `Resetting soft failure count: ${r} (${vid})`;

/** `Purged real server (start): R (V)` — stale entries at start/reload, and at stop. */
export const purgedReal = (when: 'start' | 'stop', r: string, v: string): string =>
  `Purged real server (${when}): ${r} (${v})`;

/** `Purged virtual server (stop): V`. */
export const purgedVirtual = (when: 'start' | 'stop', v: string): string =>
  `Purged virtual server (${when}): ${v}`;

/** `Added virtual server: V`. */
export const addedVirtual = (v: string): string => `Added virtual server: ${v}`;

/** `Changed virtual server: V` (an existing virtual is re-sent with -E at start/reload). */
export const changedVirtual = (v: string): string => `Changed virtual server: ${v}`;

/** Whether a line is about a real or the fallback server. */
export type ServerTag = 'real' | 'fallback';

function mapped(from?: string): string {
  return from === undefined ? '' : `mapped from ${from} `;
}
