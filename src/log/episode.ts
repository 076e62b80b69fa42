// "Report once" for a failing destination (log file, syslog socket,
// monitorfile): the first failure of an outage is reported, the rest are
// not, and a success ends the outage so the next one is reported again.

/** Tracks one destination's outage and says when a failure is worth reporting. */
export class FailureEpisode {
  #failing = false;

  /** Record a failure; true only for the first failure of an outage. */
  fail(): boolean {
    if (this.#failing) return false;
    this.#failing = true;
    return true;
  }

  /** Record a success; true when it ends an outage. */
  ok(): boolean {
    const was = this.#failing;
    this.#failing = false;
    return was;
  }

  /** Whether the destination is currently failing. */
  get failing(): boolean {
    return this.#failing;
  }
}

/** Short text of an fs/net error for a one-line report: `EACCES: permission denied, open '/x'`. */
export function errorText(err: unknown): string {
  // Not instanceof Error: errors from another realm (vm contexts, jest) fail that test.
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(err);
}
