#!/bin/sh
# Installs everything falcoc needs to build and test, from Debian 12 packages only.
# sysdig is the differential oracle for captures (tests/cli/sysdig_*.sh); without
# recommends apt skips its kernel-module build, which the tests do not need.
set -eu
export DEBIAN_FRONTEND=noninteractive
pkgs="build-essential cmake ninja-build pkg-config bison re2c clang clang-format llvm-dev
      libyaml-dev libcmocka-dev libbpf-dev libelf-dev zlib1g-dev libdeflate-dev libcurl4-openssl-dev libpcre2-dev netbase time hyperfine lld
      sysdig"
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing
fi
