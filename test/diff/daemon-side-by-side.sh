#!/bin/bash
# Daemon side by side: the real ldirectord 4.12 (/usr/sbin/ldirectord -d CFG start) and
# ours (bin/ldirectord -d CFG start) on the same config and the same loopback HTTP real
# servers, each on its own fake ipvsadm (test/fixtures/ipvsadm); after every step the
# tables and the transition log lines are compared. As root, by hand:
#   test/diff/daemon-side-by-side.sh [--only delete,quiescent,...] [--keep] [--json FILE]
# Scenarios: delete quiescent failurecount fallback fallback-start readdquiescent shared3
#   gate-port gate-port-delete ipv6 fwmark stale-purge cleanstop-yes cleanstop-no
# OURS=/path/to/bin/ldirectord skips the private build (default: build src/ into a temp
# dir, since dist/ is shared with other work in progress).
# Loopback only: reals on 127.0.0.1:18101-18109 and [::1]:18161, virtuals 127.0.0.10x.
set -eu
cd "$(dirname "$0")/../.."
if [ -z "${OURS:-}" ]; then
  out=$(mktemp -d /tmp/ldts-daemon-build-XXXXXX)
  trap 'rm -rf "$out"' EXIT
  npx tsc -p . --outDir "$out/dist" >/dev/null || true
  [ -f "$out/dist/src/cli/main.js" ] || { echo "build failed" >&2; exit 1; }
  echo '{"type":"module"}' > "$out/package.json"
  ln -s "$PWD/node_modules" "$out/node_modules"
  mkdir "$out/bin" && cp bin/ldirectord "$out/bin/ldirectord" && chmod +x "$out/bin/ldirectord"
  OURS="$out/bin/ldirectord"
fi
node test/diff/daemon-side-by-side.mjs --ours "$OURS" "$@"
