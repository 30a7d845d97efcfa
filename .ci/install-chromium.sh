#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (Playwright's own download cannot reach us).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-chromium: /usr/bin/chromium is missing and this is not root: install Debian's chromium package" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-chromium: installing Debian's chromium package" >&2
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null

if [ ! -x /usr/bin/chromium ]; then
    echo "install-chromium: apt-get finished but /usr/bin/chromium is still missing" >&2
    exit 1
fi
