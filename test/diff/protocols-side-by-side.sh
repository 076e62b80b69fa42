#!/bin/sh
# Side by side: the real ldirectord's check_* subs and ours against the same real
# servers, for each protocol and state (up, wrong, sigstop, stopped). By hand, as
# root, after `apt-get install $(cat test/helpers/apt-packages.txt)`:
#   test/diff/protocols-side-by-side.sh [ftp,smtp,mail,ldap,nntp,dns,sip,radius,mysql,pgsql,oracle]
# Output: `protocol state ldirectord ours`, each verdict with its wall time.
set -eu
cd "$(dirname "$0")/../.."
out=$(mktemp -d /tmp/ldts-sbs-XXXXXX)
trap 'rm -rf "$out"' EXIT
# A private build: dist/ is shared with other work in progress.
npx tsc -p . --outDir "$out" >/dev/null || true
[ -f "$out/test/diff/protocols-side-by-side.js" ] || { echo "build failed" >&2; exit 1; }
# ESM output needs a package.json with "type": "module" above it.
echo '{"type":"module"}' > "$out/package.json"
ln -s "$PWD/node_modules" "$out/node_modules"
node "$out/test/diff/protocols-side-by-side.js" "$@"
