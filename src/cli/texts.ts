// The fixed texts of ldirectord 4.12: version, and the usage pod2usage prints
// from its POD (SYNOPSIS + OPTIONS, as Pod::Text renders them).

/** ldirectord's $VERSION_STR (log lines say "Starting Linux Director v1.186-ha ..."). */
export const VERSION_STR = 'Linux Director v1.186-ha';

/** What `ldirectord -v` prints on stdout. */
export const VERSION_TEXT =
  `${VERSION_STR}\n` +
  '1999-2006 Jacob Rief, Horms and others\n' +
  '<http://www.vergenet.net/linux/ldirectord/>\n' +
  '\n' +
  'ldirectord comes with ABSOLUTELY NO WARRANTY.\n' +
  'This is free software, and you are welcome to redistribute it\n' +
  'under certain conditions. See the GNU General Public Licence for details.\n';

/** What pod2usage(-exitval => -1) prints on stdout (then exit 255), byte for byte. */
export const USAGE_TEXT = "Usage:\n    ldirectord [-d|--debug] [--] [configfile] start | stop | restart |\n    try-restart | reload | force-reload | status\n\n    ldirectord [-h|-?|--help|-v|--version]\n\nOptions:\n    configuration: This is the name for the configuration as specified in\n    the file /etc/ha.d/conf/configuration\n\n    -d|--debug Don't start as daemon and log verbosely.\n\n    -h|--help Print user manual and exit.\n\n    -v|--version Print version and exit.\n\n    start the daemon for the specified configuration.\n\n    stop the daemon for the specified configuration. This is the same as\n    sending a TERM signal to the running daemon.\n\n    restart the daemon for the specified configuration. The same as stopping\n    and starting.\n\n    reload the configuration file. This is only useful for modifications\n    inside a virtual server entry. It will have no effect on adding or\n    removing a virtual server block. This is the same as sending a HUP\n    signal to the running daemon.\n\n    status of the running daemon for the specified configuration.\n\n";

/** Exit status of usage(): pod2usage with -exitval -1, i.e. exit(-1) = 255. */
export const USAGE_EXIT = 255;

/**
 * `ldirectord -h`: ldirectord execs perldoc on itself (the whole manual). We have no
 * POD to show, so we print the usage, the extension commands and where the manual is.
 */
export const HELP_TEXT =
  USAGE_TEXT +
  'Extensions of ldirectord-ts:\n' +
  '    ldirectord [-d] [--ipvs=simulated|ipvsadm] [configfile] configtest [--json]\n' +
  '    check the configuration and print a summary (exit 0) or the error (exit 2).\n\n' +
  '    LDIRECTORD_IPVS=simulated (or --ipvs=simulated) uses an in-memory IPVS table.\n\n' +
  '    ldirectord [configfile] report [--json]\n' +
  '    per virtual and real: state, weight in the table vs configured, last check\n' +
  '    verdicts and why; asks the running daemon (exit 3 when it is not running).\n\n' +
  '    ldirectord [configfile] diff [--json]\n' +
  '    the ipvsadm commands that would make the live table what the running daemon\n' +
  '    wants; runs nothing. Exit 0 in sync, 1 when they differ, 3 when not running.\n\n' +
  '    --shadow (or shadow=yes): decide and log what would be run, never write the table.\n' +
  '    --metrics=HOST:PORT (or metrics=HOST:PORT): Prometheus metrics on /metrics.\n\n' +
  'The full manual: README.md of ldirectord-ts, and ldirectord(8) for the\n' +
  'configuration file (the format is the same).\n';
