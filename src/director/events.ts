// What the director asks the daemon to do, and the constructors its parts share.
import type { VirtualService } from '../config/model.js';

/** What the director asks the daemon to do. */
export type DirectorEvent =
  | { readonly kind: 'log'; readonly message: string }
  | {
      readonly kind: 'email';
      readonly subject: string;
      readonly virtual: VirtualService;
      /** `ip:port` of the real, the key of ldirectord's re-send bookkeeping. */
      readonly rserver: string;
      /** ldirectord's `currenttime`: 0 = no re-send tracking, else seconds since the epoch. */
      readonly time: number;
    }
  | { readonly kind: 'fallbackcommand'; readonly virtual: VirtualService; readonly status: 'start' | 'stop' };

/** An ld_log line. */
export function log(message: string): DirectorEvent {
  return { kind: 'log', message };
}

/** An email alert (ld_emailalert_send's arguments). */
export function email(subject: string, virtual: VirtualService, rserver: string, time: number): DirectorEvent {
  return { kind: 'email', subject, virtual, rserver, time };
}
