// Perl's scalar(localtime): the timestamp inside every ldirectord log and
// monitorfile line. Log-tail monitoring parses it, so it must match byte for byte.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `Tue Nov 24 10:00:00 2026` in the process's local time zone (TZ), day of month space-padded, as Perl prints it. */
export function perlLocaltime(date: Date = new Date()): string {
  return (
    `${DAYS[date.getDay()]} ${MONTHS[date.getMonth()]} ${String(date.getDate()).padStart(2, ' ')} ` +
    `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())} ${date.getFullYear()}`
  );
}
