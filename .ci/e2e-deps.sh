#!/usr/bin/env bash
# Installs what the e2e runner (npm run test:e2e) needs on a fresh Debian machine: Debian's
# chromium for the headless workbench, and the toolchain with which the first run builds the
# VS Code server's native modules (g++, make, python3, libkrb5-dev for the kerberos module).
# Idempotent: does nothing when everything is already there.
set -euo pipefail

packages=(chromium libkrb5-dev g++ make python3)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "e2e dependencies present: ${packages[*]}"
  exit 0
fi

echo "installing e2e dependencies: ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
"${sudo[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q "${missing[@]}"
