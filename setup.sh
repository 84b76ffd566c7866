#!/usr/bin/env bash
# Set-up on a fresh Debian 12 / Ubuntu 24.04 machine (Python 3.10 or newer as
# `python3`): a virtual environment `.venv` in this folder with the site's
# packages, so the system Python stays untouched (Debian and Ubuntu refuse
# `pip install` outside one: PEP 668, "externally-managed-environment").
#   bash setup.sh           the site: then `.venv/bin/mkdocs serve --livereload`
#   bash setup.sh --tests   also the test packages, and Debian's `chromium` for
#                           the browser tests (installed with apt-get when missing)
# apt-get runs only for what is missing, as root or through sudo.
set -euo pipefail
cd "$(dirname "$0")"

tests=false
case "${1:-}" in
  "") ;;
  --tests) tests=true ;;
  *) echo "usage: bash setup.sh [--tests]" >&2; exit 2 ;;
esac

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  echo "setup: installing $* with apt-get" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! command -v python3 >/dev/null 2>&1; then
  apt_install python3
fi
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
  echo "setup: Python 3.10 or newer is needed as python3; found $(python3 --version 2>&1)" >&2
  exit 1
fi

# Debian and Ubuntu ship venv's pip bootstrap (ensurepip) in python3-venv.
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  rm -rf .venv
  if ! python3 -m venv .venv >/dev/null 2>&1; then
    rm -rf .venv
    apt_install python3-venv
    python3 -m venv .venv
  fi
fi

requirements=requirements.txt
if $tests; then requirements=requirements-dev.txt; fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"

if $tests && ! command -v chromium >/dev/null 2>&1; then
  apt_install chromium
fi
