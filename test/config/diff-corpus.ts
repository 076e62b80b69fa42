// Configs ldirectord accepts, for the differential test (each is compared
// field by field with the real read_config + ld_setup), and the few where we
// differ on purpose. Loopback addresses only.

export interface ValidCase { name: string; text: string }

const R = (s: string): string => `\treal=${s}\n`;

export const VALID_CASES: ValidCase[] = [
  { name: 'defaults', text: `virtual=127.0.0.1:80\n${R('127.0.0.2:80 gate')}` },
  { name: 'global timeouts only checktimeout', text: `checktimeout=3\nvirtual=127.0.0.1:80\n${R('127.0.0.2:80 gate')}` },
  { name: 'global timeouts only negotiatetimeout', text: `negotiatetimeout=7\nvirtual=127.0.0.1:80\n${R('127.0.0.2:80 gate')}` },
  { name: 'virtual negotiatetimeout over global checktimeout', text: `checktimeout=3\nvirtual=127.0.0.1:80\n${R('127.0.0.2:80 gate')}\tnegotiatetimeout=9\n` },
  { name: 'virtual checktimeout, global negotiatetimeout', text: `negotiatetimeout=12\nvirtual=127.0.0.1:80\n\tchecktimeout=2\n${R('127.0.0.2:80 gate')}` },
  { name: 'global digits with comment', text: `checktimeout=3 # three\ncheckinterval=7x\nfailurecount=4\nvirtual=127.0.0.1:80\n${R('127.0.0.2:80 gate')}` },
  { name: 'globals', text: 'autoreload=yes\ncallback="/bin/echo x"\nfork=yes\nsupervised=yes\nquiescent=yes\nreaddquiescent=yes\nemailalert="root@localhost"\nemailalertfreq=60 minutes\nemailalertstatus=starting, running\nemailalertfrom=ld@localhost\ncleanstop=no\nsmtp=127.0.0.1:25\nfallbackcommand=/bin/true\nexecute=a.cf\nexecute=b.cf\nexecute=a.cf\nlogfile="local0"\n' + `virtual=127.0.0.1:80\n${R('127.0.0.2:80 gate')}` },
  { name: 'per-virtual overrides', text: 'quiescent=yes\nemailalert=a@b\n' + `virtual=127.0.0.1:80\n${R('127.0.0.2:80 gate')}\tquiescent=no\n\tcleanstop=no\n\temailalert="ops@localhost"\n\temailalertfreq=30\n\temailalertstatus=none\n\tsmtp=127.0.0.1 # mail\n\tservicename=web\n\tcomment=front end\n\tfallbackcommand="/bin/echo fb"\n` },
  { name: 'hostnames and service names', text: `virtual=localhost:http\n${R('localhost:www masq')}${R('127.0.0.3:https gate 3')}` },
  { name: 'dns over udp by port', text: `virtual=127.0.0.1:53\n${R('127.0.0.2 gate')}\tservice=dns\n\trequest="example.test"\n\treceive="127.0.0.1"\n` },
  { name: 'dns over udp by name', text: `virtual=127.0.0.1:domain\n${R('127.0.0.2:53 masq')}` },
  { name: 'protocol udp explicit', text: `virtual=127.0.0.1:5060\n\tprotocol=udp\n\tservice=sip\n${R('127.0.0.2:5060 masq')}` },
  { name: 'fwmark', text: `virtual=7\n${R('127.0.0.2:80 gate')}${R('127.0.0.3 gate')}\tprotocol=fwm\n\tchecktype=connect\n\tcheckport=80\n` },
  { name: 'virtual without port is fwmark 127', text: `virtual=127.0.0.1\n${R('127.0.0.2:80 gate')}` },
  { name: 'fwmark v6', text: `virtual6=3\n\treal6=[::1]:80 gate\n` },
  { name: 'ipv6', text: `virtual6=[0:0::1]:80\n\treal6=[::1]:8080 masq 2\n\treal6=[0000::0001]:8081 gate\n\tfallback6=[::1]:81\n\tnetmask=64\n\tpersistent=300\n` },
  { name: 'ipv6 global fallback6 without port', text: `fallback6=[::1]\nvirtual6=[::1]:80\n\treal6=[::1]:8080 masq\n` },
  { name: 'global fallback without port takes the virtual port', text: `fallback=127.0.0.9\nvirtual=127.0.0.1:80\n${R('127.0.0.2:80 gate')}\nvirtual=127.0.0.1:443\n${R('127.0.0.2:443 gate')}\nvirtual=127.0.0.1:53\n${R('127.0.0.2:53 gate')}` },
  { name: 'global fallback with port and forward', text: `fallback=127.0.0.9:8080 masq\nvirtual=127.0.0.1:80\n${R('127.0.0.2:80 gate')}` },
  { name: 'per-virtual fallback defaults to the virtual port', text: `virtual=127.0.0.1:http\n${R('127.0.0.2:80 gate')}\tfallback=localhost ipip\n` },
  { name: 'per-virtual fallback with comment', text: `virtual=127.0.0.1:80\n${R('127.0.0.2:80 gate')}\tfallback=127.0.0.1:81 # sorry\n` },
  { name: 'per-real request and receive', text: `virtual=127.0.0.1:80\n\tservice=http\n\trequest="index.html"\n\treceive="Welcome"\n${R('127.0.0.2:80 masq 1 "/health" "OK.*"')}${R('127.0.0.3:80 masq 2 "ping", "pong"')}${R('127.0.0.4:80 gate')}` },
  { name: 'per-real absolute url', text: `virtual=127.0.0.1:80\n\tservice=http\n${R('127.0.0.2:80 masq 1 "http://127.0.0.2/x" "y"')}` },
  { name: 'http_proxy url', text: `virtual=127.0.0.1:3128\n\trequest="http://127.0.0.9/"\n${R('127.0.0.2:3128 masq')}${R('127.0.0.3:3128 masq 1 "http://127.0.0.9/a" "b"')}` },
  { name: 'thresholds', text: `virtual=127.0.0.1:80\n${R('127.0.0.2:80 masq 3 l:10 u:100')}${R('127.0.0.3:80 masq u:5')}${R('127.0.0.4:80 masq 1 "/a" "b" l:1')}` },
  { name: 'ranges', text: `virtual=127.0.0.1:80\n${R('127.0.0.9->127.0.0.11:80 masq 2')}${R('127.0.0.20->127.0.0.20 gate')}` },
  { name: 'checktypes', text: `virtual=127.0.0.1:80\n${R('127.0.0.2:80 gate')}\tchecktype=3\nvirtual=127.0.0.1:81\n${R('127.0.0.2:81 gate')}\tchecktype=external\n\tcheckcommand="/bin/check me"\nvirtual=127.0.0.1:82\n${R('127.0.0.2:82 gate')}\tchecktype = ping\nvirtual=127.0.0.1:83\n${R('127.0.0.2:83 gate')}\tchecktype=off\nvirtual=127.0.0.1:84\n${R('127.0.0.2:84 gate')}\tchecktype=external-perl\n\tcheckcommand=/x.pl\n` },
  { name: 'services and credentials', text: `virtual=127.0.0.1:21\n${R('127.0.0.2:21 masq')}\tservice=ftp\nvirtual=127.0.0.1:5060\n${R('127.0.0.2:5060 masq')}\tservice=sip\nvirtual=127.0.0.1:3306\n${R('127.0.0.2:3306 masq')}\tlogin="u"\n\tpasswd="p"\n\tdatabase="d"\n\trequest="SELECT 1"\nvirtual=127.0.0.1:1812\n${R('127.0.0.2:1812 masq')}\tsecret="s"\n\tprotocol=udp\n` },
  { name: 'misc virtual keys', text: `virtual=127.0.0.1:80\n${R('127.0.0.2:80 gate')}\tscheduler=sed\n\tpersistent=600\n\tnetmask=255.255.255.0\n\tschedflags=sh-port,sh-fallback\n\thttpmethod=head\n\tvirtualhost="www.example.test"\n\tload="cpu"\n\tops=yes\n\tcheckinterval=3\n\tfailurecount=2\n` },
  { name: 'virtualhost unquoted', text: `virtual=127.0.0.1:80\n${R('127.0.0.2:80 gate')}\tvirtualhost=www.example.test\n\tcheckport=8080\n` },
  { name: 'comments and blank lines in and around blocks', text: `# head\n\nvirtual=127.0.0.1:80\n# col0 comment inside\n\treal=127.0.0.2:80 gate # inline\n    # indented\n\tservice=http\n\nchecktimeout=4\n\n# tail\n` },
  { name: 'block ended by next virtual', text: `virtual=127.0.0.1:80\n${R('127.0.0.2:80 gate')}virtual=127.0.0.1:81\n${R('127.0.0.2:81 gate')}` },
  { name: 'real without port uses service port', text: `virtual=127.0.0.1:443\n${R('127.0.0.2 gate')}\tservice=https\n` },
  { name: 'leading zero port', text: `virtual=127.0.0.1:080\n${R('127.0.0.2:080 gate 01')}` },
  { name: 'unresolved weight junk is ignored like ldirectord', text: `virtual=127.0.0.1:80\n${R('127.0.0.2:80 gate foo 5')}` },
  { name: 'request with regex metacharacters', text: `virtual=127.0.0.1:80\n\trequest="a b/c?d=1&e=[x]"\n\treceive="^OK (.*)$"\n${R('127.0.0.2:80 gate')}` },
  { name: 'no virtuals', text: 'checkinterval=5\n' },
  { name: 'empty file', text: '' },
  { name: 'CRLF global value', text: 'checktimeout=3\r\n' },
];

/** A config where we differ from ldirectord on purpose. */
export interface DifferentCase {
  name: string;
  text: string;
  /** What ldirectord prints on stderr (PID normalised to 1). */
  perlStderr: string;
  /** ldirectord's real servers of the first virtual, when it accepts the config. */
  perlReals?: string[];
  /** Our real servers of the first virtual (`addr`), or false when we refuse. */
  ourReals: string[] | false;
}

export const DIFFERENT_CASES: DifferentCase[] = [
  {
    // ldirectord compares the integers as strings: "9" le "11" is false, so the range is silently empty.
    name: 'range across a digit-count boundary (string compare in ldirectord)',
    text: 'virtual=127.0.0.1:80\n\treal=0.0.0.9->0.0.0.11:80 gate\n',
    perlStderr: '',
    perlReals: [],
    ourReals: ['0.0.0.9:80', '0.0.0.10:80', '0.0.0.11:80'],
  },
  {
    name: 'IPv6 range (unsupported in ldirectord)',
    text: 'virtual6=[::1]:80\n\treal6=[::1]->[::3]:80 masq\n',
    perlStderr: 'Error [1] reading file FILE at line 2: Address range for IPv6 is not supported yet\n',
    ourReals: ['[::1]:80', '[::2]:80', '[::3]:80'],
  },
];
