#!/usr/bin/env bash
# Installs the Debian packages the integration tests need, when missing and when we can.
set -euo pipefail
want=()
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || want+=("$pkg")
done
if [ ${#want[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "system-deps: missing ${want[*]}; install them with apt-get (tests needing them will fail)" >&2
  exit 0
fi
echo "system-deps: installing ${want[*]}" >&2
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
