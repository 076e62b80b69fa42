#!/bin/sh
# Compile the project into a private directory and run one of its test/diff
# scripts there: test/diff/run-compiled.sh NAME [ARGS...] runs NAME.ts.
# (dist/ is shared with other work in progress, so it is not used.)
set -eu
cd "$(dirname "$0")/../.."
name=$1
shift
out=$(mktemp -d /tmp/ldts-sbs-XXXXXX)
trap 'rm -rf "$out"' EXIT
npx tsc -p . --outDir "$out" >/dev/null || true
[ -f "$out/test/diff/$name.js" ] || { echo "build failed" >&2; exit 1; }
# ESM output needs a package.json with "type": "module" above it.
echo '{"type":"module"}' > "$out/package.json"
ln -s "$PWD/node_modules" "$out/node_modules"
node "$out/test/diff/$name.js" "$@"
