#!/bin/bash
# Debian's ocf-tester against our binary through the stock OCF agent
# (/usr/lib/ocf/resource.d/heartbeat/ldirectord): start, monitor, stop, the
# stale-pid and double-start cases, as Pacemaker would drive us.
#
#   test/cli/ocf-tester.sh                         # bin/ldirectord (needs `npm run build`)
#   LDIRECTORD=/path/to/ldirectord test/cli/ocf-tester.sh
#
# The IPVS table is the simulated one (LDIRECTORD_IPVS=simulated reaches the
# daemon through the agent's environment): there is no IPVS here. The pid file
# is the real /var/run/ldirectord.<name>.pid (the agent knows no other), so the
# config name is unique per run. Needs resource-agents and libxml2-utils.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LDIRECTORD=${LDIRECTORD:-$ROOT/bin/ldirectord}
AGENT=/usr/lib/ocf/resource.d/heartbeat/ldirectord
command -v ocf-tester >/dev/null && [ -x "$AGENT" ] || { echo "apt-get install resource-agents libxml2-utils"; exit 2; }
if [ "$LDIRECTORD" = "$ROOT/bin/ldirectord" ] && [ ! -f "$ROOT/dist/src/cli/main.js" ]; then
  echo "run \`npm run build\` first (or set LDIRECTORD=...)"; exit 2
fi
T=$(mktemp -d /tmp/ldts-ocf.XXXXXX)
CFG=$T/ldts-ocf-$$.cf
cat >"$CFG" <<CF
checktimeout=2
checkinterval=2
logfile="$T/ld.log"
virtual=127.0.0.2:80
	real=127.0.0.3:80 masq
	checktype=on
CF
cleanup() {
  f=/var/run/ldirectord.$(basename "$CFG").pid
  if [ -f "$f" ]; then p=$(cat "$f"); grep -qs ldirectord /proc/$p/cmdline && kill -TERM "$p"; sleep 1; rm -f "$f"; fi
  rm -rf "$T"
}
trap cleanup EXIT
export LDIRECTORD_IPVS=simulated
ocf-tester -v -n ldtest -o configfile="$CFG" -o ldirectord="$LDIRECTORD" "$AGENT"
rc=$?
echo "--- ldirectord log:"; cat "$T/ld.log" 2>/dev/null
echo "--- ocf-tester exit status: $rc"
exit $rc
