#!/usr/bin/env bash
# The workload image: what runs inside the inner daemons (servers, clients) and as
# the outer "external" client. busybox-static only for `httpd`: Debian's busybox
# wget/nc crash, so clients are curl, iputils-ping and netcat-openbsd.
source "$(dirname "$0")/../common/lib.sh"
bootstrap bookworm iputils-ping,curl,netcat-openbsd,busybox-static,iproute2,procps
trim
import_root 'CMD ["sleep", "infinity"]'
