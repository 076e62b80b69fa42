#!/bin/sh
# Side by side: the real ldirectord's check_* subs and ours against the same real
# servers, for each protocol and state (up, wrong, sigstop, stopped). By hand, as
# root, after `apt-get install $(cat test/helpers/apt-packages.txt)`:
#   test/diff/protocols-side-by-side.sh [ftp,smtp,mail,ldap,nntp,dns,sip,radius,mysql,pgsql,oracle]
# Output: `protocol state ldirectord ours`, each verdict with its wall time.
exec "$(dirname "$0")/run-compiled.sh" protocols-side-by-side "$@"
