// receive= is a Perl regular expression, matched by ldirectord against the raw
// bytes of an answer. We compile it once per check as a JS RegExp and match it
// against the answer decoded as latin1 (one char per byte), the config value
// being turned into the same byte form, so non-ASCII patterns match as in Perl.
import { CheckCode } from './result.js';
import { CheckError } from './errors.js';

/** Translate the Perl-only pieces that have a JS equivalent (\A, \z, \Z, $, a leading (?i) etc.). */
export function perlToJs(source: string): { source: string; flags: string } {
  let flags = '';
  let s = source;
  // A leading inline modifier group (?i), (?s), (?m), (?x is not supported) becomes flags.
  const lead = /^\(\?([imsx]+)\)/.exec(s);
  if (lead && !lead[1]!.includes('x')) {
    flags = [...new Set(lead[1]!)].join('');
    s = s.slice(lead[0].length);
  }
  // Perl's $ (without /m) matches at the end or before a final newline: answers
  // and simpletcp lines usually end in "\n", so `OK$` must still match `OK\n`.
  const dollar = flags.includes('m') ? '$' : '(?=\\n?$)';
  let out = '';
  let inClass = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      const n = s[++i]!;
      if (inClass) out += c + n;
      else if (n === 'A') out += '^';
      else if (n === 'z') out += '$';
      // Perl \Z: end of string or before a final newline.
      else if (n === 'Z') out += '(?=\\n?$)';
      else out += c + n;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal in Perl; JS reads `[]` as an empty class.
      if (s[i + 1] === '^') out += s[++i];
      if (s[i + 1] === ']') (out += '\\]'), i++;
    } else if (c === '$') {
      out += dollar;
    } else {
      out += c;
    }
  }
  return { source: out, flags };
}

/** A compiled receive= pattern; undefined means "no receive: anything matches". */
export type Receive = RegExp | undefined;

/**
 * Compile receive= (empty string = none). Throws CheckError(L7RSP) for a
 * pattern JS cannot compile, so the real is down with a clear reason rather
 * than the daemon failing.
 */
export function compileReceive(receive: string): Receive {
  if (receive === '') return undefined;
  let compiled = compiledReceives.get(receive);
  if (compiled === undefined) {
    compiled = compile(receive);
    // The set of receive strings is the config's: small, so the cache needs no eviction.
    compiledReceives.set(receive, compiled);
  }
  if (compiled instanceof CheckError) throw compiled;
  return compiled;
}

/** compileReceive's results (a RegExp without g/y keeps no state between tests, so one serves every check). */
const compiledReceives = new Map<string, RegExp | CheckError>();

function compile(receive: string): RegExp | CheckError {
  // The pattern as bytes, the same form as the answer (latin1: one char per byte).
  const bytes = Buffer.from(receive, 'utf8').toString('latin1');
  const { source, flags } = perlToJs(bytes);
  try {
    return new RegExp(source, flags);
  } catch (err) {
    return new CheckError(CheckCode.L7RSP, `invalid receive regex /${receive}/: ${(err as Error).message}`);
  }
}

/** Does the answer (raw bytes) match? No receive matches everything. */
export function receiveMatches(re: Receive, answer: Buffer): boolean {
  return re === undefined || re.test(answer.toString('latin1'));
}
