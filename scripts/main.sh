#!/bin/sh
# The main job: install what is needed, build, and check the bundled rules.
# (Until falcod exists this validates the default ruleset; later it will run
# falcod on this host with it.)
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
exec build/release/compiler/falcoc validate rules/*.yaml
