#!/usr/bin/env bash
# Install everything the test suite needs on a fresh machine, then run the whole suite.
# The README's test command and .ci/run both call this script, so they cannot drift apart.
set -euo pipefail
cd "$(dirname "$0")/.."

# The HTML report's tests drive Debian's Chromium through Playwright and need a CJK font for the
# Chinese copy. Installed only when missing; Playwright never downloads a browser of its own.
apt_packages=()
command -v chromium >/dev/null 2>&1 || apt_packages+=(chromium)
{ command -v fc-list >/dev/null 2>&1 && fc-list : family | grep -i "Noto Sans CJK" >/dev/null; } || apt_packages+=(fonts-noto-cjk)
# The install compiles the mention scan with Cython (setup.py); without a C compiler it would
# quietly fall back to the Python source, and tests/test_speedups.py fails that under CI=true.
# (the compiler Python was built with is the one setuptools calls: gcc here, x86_64-linux-gnu-gcc
# for Debian's own Python; both come with the gcc package)
python_cc=$(python3 -c 'import sysconfig; print((sysconfig.get_config_var("CC") or "cc").split()[0])')
command -v "$python_cc" >/dev/null 2>&1 || apt_packages+=(gcc libc6-dev)
python3 -c 'import os, sysconfig; raise SystemExit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
  || apt_packages+=(python3-dev)
if [ "${#apt_packages[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
  echo "scripts/test.sh: installing ${apt_packages[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'

set +e
python3 -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "scripts/test.sh: pytest collected no tests; that is a failure, not a pass" >&2
  exit 1
fi
exit "$status"
