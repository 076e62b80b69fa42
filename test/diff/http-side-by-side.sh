#!/bin/sh
# Side by side: ldirectord's check_http (LWP) and our http check on the same
# bytes from a loopback server: well-formed, odd and broken answers. By hand,
# after `apt-get install ldirectord`:
#   test/diff/http-side-by-side.sh
# Output: `case ldirectord ours`, each verdict with its wall time.
exec "$(dirname "$0")/run-compiled.sh" http-side-by-side "$@"
