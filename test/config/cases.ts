// Every config_error / config_warn of ldirectord 4.12's read_config, as
// (config text, expected line, expected message). Used by errors.test.ts
// (our texts) and differential.test.ts (the same texts from the real Perl).

/** A config ldirectord refuses. */
export interface ErrorCase {
  name: string;
  text: string;
  line: number;
  detail: string;
}

const V = 'virtual=127.0.0.1:80\n';
const V6 = 'virtual6=[::1]:80\n';
const R = '\treal=127.0.0.2:80 gate\n';
// A block line and the config that holds it (virtual on line 1, the line on 2).
const blk = (l: string): string => `${V}\t${l}\n${R}`;
const NOPE = '/nonexistent-ldirectord-test-dir';

/** One case per config_error call (some calls get several inputs). */
export const ERROR_CASES: ErrorCase[] = [
  // global lines
  { name: 'checktimeout zero', text: 'checktimeout=0\n', line: 1, detail: 'invalid check timeout value' },
  { name: 'checktimeout word', text: '\n# c\nchecktimeout=abc\n', line: 3, detail: 'invalid check timeout value' },
  { name: 'connecttimeout', text: 'connecttimeout=3\n', line: 1, detail: 'connecttimeout directive deprecated in favour of negotiatetimeout' },
  { name: 'negotiatetimeout', text: 'negotiatetimeout=x\n', line: 1, detail: 'invalid negotiate timeout value' },
  { name: 'checkinterval', text: 'checkinterval=0\n', line: 1, detail: 'invalid check interval value' },
  { name: 'checkcount', text: 'checkcount=0\n', line: 1, detail: 'invalid check count value' },
  { name: 'failurecount', text: 'failurecount=none\n', line: 1, detail: 'invalid failure count value' },
  { name: 'fallbackcommand', text: 'fallbackcommand=\n', line: 1, detail: 'invalid fallback command' },
  { name: 'autoreload', text: 'autoreload=maybe\n', line: 1, detail: "autoreload must be 'yes' or 'no'" },
  { name: 'logfile', text: `logfile="${NOPE}/ld.log"\n`, line: 1, detail: `unable to open logfile: ${NOPE}/ld.log` },
  { name: 'fork', text: 'fork=1\n', line: 1, detail: "fork must be 'yes' or 'no'" },
  { name: 'supervised', text: 'supervised=maybe\n', line: 1, detail: "supervised must be 'yes' or 'no'" },
  { name: 'supervisedx', text: 'supervisedx\n', line: 1, detail: "supervised must be 'yes' or 'no'" },
  { name: 'quiescent with comment', text: 'quiescent=yes # x\n', line: 1, detail: "quiescent must be 'yes' or 'no'" },
  { name: 'readdquiescent', text: 'readdquiescent=1\n', line: 1, detail: "readdquiescent must be 'yes' or 'no'" },
  { name: 'emailalert empty', text: 'emailalert=""\n', line: 1, detail: 'no email address specified' },
  { name: 'emailalert none', text: 'emailalert=\n', line: 1, detail: 'no email address specified' },
  { name: 'emailalertfreq', text: 'emailalertfreq=x\n', line: 1, detail: 'invalid email alert frequency' },
  { name: 'emailalertstatus bad', text: 'emailalertstatus=starting,sleeping\n', line: 1, detail: 'invalid email alert status at: "sleeping"' },
  { name: 'emailalertstatus none', text: 'emailalertstatus=none, running\n', line: 1, detail: 'invalid email alert status: "running" specified with "none"' },
  { name: 'emailalertfrom', text: 'emailalertfrom=\n', line: 1, detail: 'no email from address specified' },
  { name: 'cleanstop', text: 'cleanstop=true\n', line: 1, detail: "cleanstop must be 'yes' or 'no'" },
  { name: 'smtp', text: 'smtp=@mail\n', line: 1, detail: 'invalid SMTP server address' },
  { name: 'maintenancedir', text: 'maintenancedir=\n', line: 1, detail: 'maintenance directory not specified' },
  { name: 'timeout', text: 'timeout=5\n', line: 1, detail: 'timeout directive deprecated in favour of checktimeout and negotiatetimeout' },
  { name: 'unknown global', text: 'frobnicate=1\n', line: 1, detail: 'Unknown command frobnicate=1\n ' },
  { name: 'unknown global, last line', text: 'frobnicate=1', line: 1, detail: 'Unknown command frobnicate=1 ' },
  { name: 'logfile unquoted', text: 'logfile=/tmp/x.log\n', line: 1, detail: 'Unknown command logfile=/tmp/x.log\n ' },
  { name: 'indented global', text: '  checktimeout=3\n', line: 1, detail: 'Unknown command   checktimeout=3\n ' },
  { name: 'global fallback host', text: 'fallback=[::1]:80\n', line: 1, detail: 'invalid IPv4 address or could not resolve for fallback server: [::1]' },
  { name: 'global fallback6 host', text: 'fallback6=127.0.0.1:80\n', line: 1, detail: 'invalid IPv6 address or could not resolve for fallback server: 127.0.0.1' },
  { name: 'global fallback port', text: 'fallback=127.0.0.1:nosuchservice\n', line: 1, detail: 'invalid port for fallback server' },
  { name: 'global fallback port udp', text: 'fallback=127.0.0.1:http\n', line: 1, detail: 'invalid port for fallback server' },
  { name: 'global fallback forward', text: 'fallback=127.0.0.1:80 tunnel\n', line: 1, detail: 'forward method must be gate, masq or ipip' },
  // virtual= lines
  { name: 'v6 in virtual', text: 'virtual=[::1]:80\n', line: 1, detail: 'cannot specify an IPv6 address here. please use "virtual6" instead.' },
  { name: 'bad v6', text: 'virtual6=[1:2:3:4:5:6:7:8:9]:80\n', line: 1, detail: 'invalid ipv6 address for virtual server' },
  { name: 'bad virtual', text: 'virtual=www\n', line: 1, detail: 'invalid address for virtual server' },
  { name: 'virtual6 bare v6', text: 'virtual6=::1:80\n', line: 1, detail: 'invalid address for virtual server' },
  { name: 'virtual port name', text: `virtual=127.0.0.1:nosuchservice\n${R}`, line: 1, detail: 'invalid address for virtual service' },
  { name: 'virtual6 with v4', text: `virtual6=127.0.0.1:80\n\treal6=[::1]:80 gate\n`, line: 1, detail: 'invalid address for virtual service' },
  { name: 'duplicate virtual', text: `${V}${R}\n${V}${R}`, line: 5, detail: 'duplicate virtual server' },
  { name: 'duplicate virtual by name', text: `${V}${R}virtual=localhost:http\n${R}# end\n`, line: 5, detail: 'duplicate virtual server' },
  { name: 'virtual= as the last line is read twice', text: `${V}${R}virtual=127.0.0.1:81\n`, line: 3, detail: 'duplicate virtual server' },
  { name: 'duplicate fwmark', text: `virtual=7\n${R}virtual=7\n${R}`, line: 4, detail: 'duplicate virtual server' },
  // block lines
  { name: 'real6 in v4', text: `${V}\treal6=[::1]:80 gate\n`, line: 2, detail: 'cannot specify "real6" here.  please use "real" instead' },
  { name: 'real in v6', text: `${V6}\treal=127.0.0.1:80 gate\n`, line: 2, detail: 'cannot specify "real" here.  please use "real6" instead' },
  { name: 'request empty', text: blk('request=""'), line: 2, detail: 'no request string specified' },
  { name: 'receive empty', text: blk('receive=""'), line: 2, detail: 'invalid receive string' },
  { name: 'checktype', text: blk('checktype=http'), line: 2, detail: 'checktype must be "connect", "negotiate", "on", "off", "ping", "external", "external-perl" or a positive number' },
  { name: 'checkcommand', text: blk('checkcommand=""'), line: 2, detail: 'invalid check command' },
  { name: 'block checktimeout', text: blk('checktimeout=0'), line: 2, detail: 'invalid check timeout' },
  { name: 'block connecttimeout', text: blk('connecttimeout=5'), line: 2, detail: 'connecttimeout directive deprecated in favour of negotiatetimeout' },
  { name: 'block negotiatetimeout', text: blk('negotiatetimeout=x'), line: 2, detail: 'invalid negotiate timeout' },
  { name: 'block checkcount', text: blk('checkcount=0'), line: 2, detail: 'invalid check count' },
  { name: 'block failurecount', text: blk('failurecount=0'), line: 2, detail: 'invalid failure count' },
  { name: 'block checkinterval', text: blk('checkinterval=0'), line: 2, detail: 'invalid checkinterval' },
  { name: 'checkport word', text: blk('checkport=http'), line: 2, detail: 'invalid port' },
  { name: 'checkport range', text: blk('checkport=65536'), line: 2, detail: 'checkport must be in range 1..65536' },
  { name: 'checkport zero', text: blk('checkport=0'), line: 2, detail: 'checkport must be in range 1..65536' },
  { name: 'login', text: blk('login=""'), line: 2, detail: 'invalid login string' },
  { name: 'passwd', text: blk('passwd=""'), line: 2, detail: 'invalid password' },
  { name: 'database', text: blk('database=""'), line: 2, detail: 'invalid database' },
  { name: 'secret', text: blk('secret=""'), line: 2, detail: 'invalid secret' },
  { name: 'load', text: blk('load="--"'), line: 2, detail: 'invalid string for load testing' },
  { name: 'scheduler', text: blk('scheduler=WRR'), line: 2, detail: 'invalid scheduler, should be only lowercase letters (a-z)' },
  { name: 'persistent', text: blk('persistent=long'), line: 2, detail: 'invalid persistent timeout' },
  { name: 'schedflags', text: blk('schedflags='), line: 2, detail: 'invalid sched-flags' },
  { name: 'netmask v4', text: blk('netmask=24'), line: 2, detail: 'invalid netmask: dotted quad notation is required' },
  { name: 'netmask v6', text: `${V6}\tnetmask=129\n`, line: 2, detail: 'invalid netmask: a prefix length between 1 and 128 is required' },
  { name: 'netmask v6 dotted', text: `${V6}\tnetmask=255.255.255.0\n`, line: 2, detail: 'invalid netmask: a prefix length between 1 and 128 is required' },
  { name: 'protocol empty', text: blk('protocol=--'), line: 2, detail: 'invalid protocol' },
  { name: 'protocol fwm', text: `virtual=1\n\tprotocol=tcp\n`, line: 2, detail: 'protocol must be fwm if the virtual service is a fwmark (a number)' },
  { name: 'protocol addr', text: blk('protocol=fwm'), line: 2, detail: 'protocol must be tcp or udp if the virtual service is an address and port' },
  { name: 'ops', text: blk('ops=1'), line: 2, detail: "ops must be 'yes' or 'no'" },
  { name: 'service', text: blk('service=gopher'), line: 2, detail: 'service must be dns, ftp, http, https, http_proxy, imap, imaps, ldap, ldaps, mysql, nntp, none, oracle, pop, pops, radius, pgsql, simpletcp, sip, smtp or submission' },
  { name: 'httpmethod', text: blk('httpmethod=POST'), line: 2, detail: 'httpmethod must be GET or HEAD' },
  { name: 'fallback6 in v4', text: blk('fallback6=[::1]:80'), line: 2, detail: 'cannot specify "fallback6" here.  please use "fallback" instead' },
  { name: 'fallback in v6', text: `${V6}\tfallback=127.0.0.1:80\n`, line: 2, detail: 'cannot specify "fallback" here.  please use "fallback6" instead' },
  { name: 'fallback forward', text: blk('fallback=127.0.0.1:80 nat'), line: 2, detail: 'forward method must be gate, masq or ipip' },
  { name: 'fallback host (at its line)', text: `${V}${R}\tfallback=[::1]\n${R}`, line: 3, detail: 'invalid IPv4 address or could not resolve for fallback server: [::1]' },
  { name: 'fallback port (protocol udp)', text: `${V}\tprotocol=udp\n\tfallback=127.0.0.1:http\n`, line: 3, detail: 'invalid port for fallback server' },
  { name: 'block fallbackcommand', text: blk('fallbackcommand=""'), line: 2, detail: 'invalid fallback command' },
  { name: 'block quiescent', text: blk('quiescent=on'), line: 2, detail: "quiescent must be 'yes' or 'no'" },
  { name: 'block emailalert', text: blk('emailalert=""'), line: 2, detail: 'no email address specified' },
  { name: 'block emailalertfreq', text: blk('emailalertfreq=often'), line: 2, detail: 'invalid email alert frequency' },
  { name: 'block emailalertstatus', text: blk('emailalertstatus=all,bogus'), line: 2, detail: 'invalid email alert status at: "bogus"' },
  { name: 'block emailalertstatus none', text: blk('emailalertstatus=none,all'), line: 2, detail: 'invalid email alert status: "all" specified with "none"' },
  { name: 'monitorfile', text: blk(`monitorfile="${NOPE}/mon.log"`), line: 2, detail: `unable to open monitorfile ${NOPE}/mon.log: No such file or directory` },
  { name: 'block cleanstop', text: blk('cleanstop=0'), line: 2, detail: "cleanstop must be 'yes' or 'no'" },
  { name: 'block smtp', text: blk('smtp=,x'), line: 2, detail: 'invalid SMTP server address' },
  { name: 'unknown block', text: `${V}\tfrobnicate=1 # c\n`, line: 2, detail: 'Unknown command "\tfrobnicate=1 # c\n"' },
  { name: 'unknown block, spaces', text: `${V}     \n`, line: 2, detail: 'Unknown command "     \n"' },
  { name: 'unquoted request', text: blk('request=/x'), line: 2, detail: 'Unknown command "\trequest=/x\n"' },
  // reals (resolved after the block, each at its own line)
  { name: 'real format', text: `${V}\treal=127.0.0.2:80\n`, line: 2, detail: 'invalid address for real server (wrong format)' },
  { name: 'real host family', text: `${V}${R}\treal=[::1]:80 gate\n`, line: 3, detail: 'invalid address ([::1]) for real server (could not resolve host)' },
  { name: 'real port', text: `${V}\treal=127.0.0.2:nosuchservice gate\n`, line: 2, detail: 'invalid port (nosuchservice) for real server (could not resolve port)' },
  { name: 'real end host', text: `${V}\treal=127.0.0.2->[::1]:80 gate\n`, line: 2, detail: 'invalid address ([::1]) for real server (could not resolve end host)' },
  { name: 'real forward', text: `${V}\treal=127.0.0.2:80 nat\n`, line: 2, detail: 'forward method must be gate, masq or ipip' },
  { name: 'real leftover', text: `${V}\treal=127.0.0.2:80 gate 1 junk\n`, line: 2, detail: 'Invalid real server line, around " junk"' },
  { name: 'real range inverted', text: `${V}\treal=127.0.0.5->127.0.0.3:80 gate\n`, line: 2, detail: 'Invalid Range: 127.0.0.5-127.0.0.3: First value must be greater than or equal to the second value' },
  { name: 'block error before resolution', text: `${V}\treal=[::1]:80 gate\n\tops=1\n`, line: 3, detail: "ops must be 'yes' or 'no'" },
];

/** A config ldirectord accepts with a warning. */
export interface WarnCase {
  name: string;
  text: string;
  line: number;
  message: string;
}

export const WARN_CASES: WarnCase[] = [
  { name: 'global checkcount', text: 'checkcount=3\n', line: 1, message: "checkcount option is deprecated and slated for removal.  please see 'failurecount'" },
  { name: 'block checkcount', text: blk('checkcount=2'), line: 2, message: "checkcount option is deprecated and slated for removal.  please see 'failurecount'" },
  { name: 'bare supervised', text: 'supervised\n', line: 1, message: 'please update your config not to use a bare supervised directive' },
  { name: 'maintenancedir missing', text: `maintenancedir=${NOPE}\n`, line: 1, message: 'maintenance directory does not exist' },
];
