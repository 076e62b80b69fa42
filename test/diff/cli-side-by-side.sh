#!/bin/bash
# Run the same command-line sequence against the real ldirectord 4.12
# (/usr/sbin/ldirectord) and ours, and show exit codes, stdout and stderr side
# by side, flagging every difference. Also compares the two log files.
#
#   test/diff/cli-side-by-side.sh            # ours = bin/ldirectord (needs `npm run build`)
#   OURS=/path/to/ldirectord test/diff/cli-side-by-side.sh
#
# Safety: the config only names loopback addresses. The real ldirectord always
# uses /var/run for its pid file, so the config name is unique per run
# (ldts-diff-PID.cf); ours gets LDIRECTORD_RUNDIR and the simulated IPVS table.
# Without -d the real one runs /sbin/ipvsadm, which fails harmlessly here (no IPVS);
# with -d both find the fake ./ipvsadm in their working directory.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REAL=${REAL:-/usr/sbin/ldirectord}
OURS=${OURS:-$ROOT/bin/ldirectord}
[ -x "$REAL" ] || { echo "no $REAL (apt-get install ldirectord)"; exit 2; }
if [ "$OURS" = "$ROOT/bin/ldirectord" ] && [ ! -f "$ROOT/dist/src/cli/main.js" ]; then
  echo "run \`npm run build\` first (or set OURS=...)"; exit 2
fi

T=$(mktemp -d /tmp/ldts-diff.XXXXXX)
NAME=ldts-diff-$$.cf
REALPID=/var/run/ldirectord.$NAME.pid
for side in real ours; do
  mkdir -p "$T/$side/run"
  printf '#!/bin/sh\nexit 0\n' > "$T/$side/ipvsadm"; chmod +x "$T/$side/ipvsadm"
  cat > "$T/$side/$NAME" <<CF
checktimeout=2
checkinterval=2
logfile="$T/$side.log"
virtual=127.0.0.2:80
	real=127.0.0.3:80 masq
	checktype=on
CF
  cat > "$T/$side/bad.cf" <<CF
logfile="$T/$side.log"
bogus=1
CF
done

cleanup() {
  for side in real ours; do
    if [ $side = real ]; then f=$REALPID; else f=$T/ours/run/ldirectord.$NAME.pid; fi
    if [ -f "$f" ]; then p=$(cat "$f"); grep -qs ldirectord /proc/$p/cmdline 2>/dev/null && kill -TERM "$p"; fi
  done
  sleep 1; rm -f "$REALPID"; rm -rf "$T"
}
trap cleanup EXIT

# Normalise what legitimately differs: pids, the pid-file directory, the temp dir, the binary path.
# Dropped on purpose: "Running exec(...)" (-d only), ldirectord's trace of re-executing itself
# with PERLIO=perlio (a Perl memory-leak workaround); ours does not re-exec, so it does not say so.
norm() {
  sed -E -e '/(DEBUG2: )?Running exec\(/d' -e "s#/var/run/ldirectord\.#RUNDIR/ldirectord.#g" -e "s#$T/ours/run/ldirectord\.#RUNDIR/ldirectord.#g" \
    -e "s#$T/(real|ours)#TMP#g" -e "s#\[[0-9]+\]#[PID]#g" -e "s#pid: [0-9]+#pid: PID#g" \
    -e "s#$REAL|$OURS#LDIRECTORD#g" -e "s#^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [0-9]{4}\|([^|]*)\|[0-9]+\]#[DATE|\1|PID]#"
}

DIFFS=0; STEP=0
run() { # run "description" args...
  local what=$1; shift; STEP=$((STEP + 1))
  (cd "$T/real" && "$REAL" "$@" >"$T/r.out" 2>"$T/r.err"; echo $? >"$T/r.rc")
  (cd "$T/ours" && LDIRECTORD_RUNDIR="$T/ours/run" LDIRECTORD_IPVS=simulated "$OURS" "$@" >"$T/o.out" 2>"$T/o.err"; echo $? >"$T/o.rc")
  for f in r o; do
    { echo "exit $(cat $T/$f.rc)"; sed 's/^/out| /' "$T/$f.out"; sed 's/^/err| /' "$T/$f.err"; } | norm >"$T/$f.all"
  done
  if cmp -s "$T/r.all" "$T/o.all"; then
    printf '%-3s SAME  %-34s %s\n' "$STEP" "$what" "$(head -1 "$T/r.all")"
  else
    DIFFS=$((DIFFS + 1))
    printf '%-3s DIFF  %-34s\n' "$STEP" "$what"
    diff -y -W 160 --left-column "$T/r.all" "$T/o.all" | sed 's/^/      /' | head -40
  fi
}
pidfiles() { # write the same kind of pid file for both sides
  echo "$1" >"$REALPID"; echo "$1" >"$T/ours/run/ldirectord.$NAME.pid"
}

echo "real: $REAL   ours: $OURS   (left: real, right: ours)"
run "-v" -v
run "no arguments (usage)"
run "unknown command word" "$NAME" frob
run "unknown option" -x "$NAME" status
run "option not abbreviated" --deb "$NAME" status
run "config not found" nope-ldts.cf status
run "config not found -d" -d nope-ldts.cf status
run "config error at status" bad.cf status
run "config error at start" bad.cf start
run "status, stopped" "$NAME" status
run "stop, stopped" "$NAME" stop
run "reload, stopped" "$NAME" reload
run "try-restart, stopped" "$NAME" try-restart
run "status -- CFG" -- "$NAME" status
run "start" "$NAME" start
sleep 1
run "status, running" "$NAME" status
run "start, running" "$NAME" start
run "reload, running" "$NAME" reload
run "restart, running" "$NAME" restart
sleep 1
run "status after restart" "$NAME" status
run "stop, running" "$NAME" stop
sleep 2
run "status after stop" "$NAME" status
pidfiles 999999999
run "status, stale (dead pid)" "$NAME" status
run "stop, stale (dead pid)" "$NAME" stop
sleep 300 & FOREIGN=$!
pidfiles $FOREIGN
run "status, stale (foreign pid)" "$NAME" status
run "reload, stale (foreign pid)" "$NAME" reload
kill $FOREIGN; rm -f "$REALPID" "$T/ours/run/ldirectord.$NAME.pid"
pidfiles ""
run "status, pid file with an empty line" "$NAME" status
: >"$REALPID"; : >"$T/ours/run/ldirectord.$NAME.pid"
run "status, empty pid file" "$NAME" status
rm -f "$REALPID" "$T/ours/run/ldirectord.$NAME.pid"

echo "--- log files (normalised; left: real, right: ours)"
norm <"$T/real.log" >"$T/rl"; norm <"$T/ours.log" >"$T/ol"
if cmp -s "$T/rl" "$T/ol"; then echo "logs SAME"; else diff -y -W 200 "$T/rl" "$T/ol"; fi
echo "--- $DIFFS of $STEP steps differ"
[ "$DIFFS" -eq 0 ]
