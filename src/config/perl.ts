// Small pieces of Perl semantics that ldirectord's config code relies on.

/** Perl truthiness of a string: only '' and '0' are false ("00" and "0.0" are true). */
export function perlTrue(s: string | undefined): boolean {
  return s !== undefined && s !== '' && s !== '0';
}

/** Perl numeric value of a string of digits (what `$x > 0` compares). */
export function perlNum(s: string): number {
  const m = /^\s*[-+]?\d+(\.\d+)?/.exec(s);
  return m ? Number(m[0]) : 0;
}

/**
 * Perl quotemeta on a byte string: a backslash before every character outside
 * [A-Za-z0-9_]. Non-ASCII characters get one backslash per character (Perl
 * quotes each UTF-8 byte; see the report: ids with non-ASCII text may differ).
 */
export function quotemeta(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, '\\$&');
}

const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EROFS: 'Read-only file system',
  ENAMETOOLONG: 'File name too long',
  ELOOP: 'Too many levels of symbolic links',
  ENOSPC: 'No space left on device',
  EMFILE: 'Too many open files',
  ENXIO: 'No such device or address',
  ETXTBSY: 'Text file busy',
  EEXIST: 'File exists',
  EINVAL: 'Invalid argument',
  EIO: 'Input/output error',
};

/** Perl's "$!" text (glibc strerror) for a Node system error. */
export function strerror(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return (code && STRERROR[code]) || (err instanceof Error ? err.message : String(err));
}

/** Perl 2-argument open(F, ">>$name"): leading and trailing whitespace of the name is ignored. */
export function twoArgOpenName(name: string): string {
  return name.replace(/^\s+/, '').replace(/\s+$/, '');
}
