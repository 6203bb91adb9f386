#!/usr/bin/env bash
# Run before the tests (npm's pretest): the end-to-end tests also drive workspaces with Debian's
# Python Kubernetes client, which a fresh machine may lack. Installed when missing and we may.
set -euo pipefail
if /usr/bin/python3 -c 'import kubernetes' >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing python3-kubernetes (the end-to-end tests use the Python Kubernetes client)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-kubernetes >/dev/null
  exit 0
fi
echo "the end-to-end tests need the Python Kubernetes client: sudo apt-get install python3-kubernetes" >&2
exit 1
