#!/usr/bin/env bash
# Unpacks SST's platform into .sst/platform/ (component sources, @pulumi/*, config.d.ts) with
# no network access, for `typecheck:infra` and test/infra. Does nothing when the platform of
# the pinned sst version is already there, so it can run before every check.
set -euo pipefail
cd "$(dirname "$0")/.."

wanted=$(node -p 'require("./node_modules/sst/package.json").version')

installed() {
  [ -f .sst/platform/config.d.ts ] &&
    [ -d .sst/platform/node_modules/@pulumi/pulumi ] &&
    [ "$(cat .sst/platform/version 2>/dev/null)" = "$wanted" ]
}

installed && exit 0

mkdir -p .sst
# Two checks started together (tsc and vitest) must not unpack into the same directory at once.
exec 9>.sst/install.lock
if command -v flock >/dev/null; then flock 9; fi
installed && exit 0

echo "sst-install: unpacking the SST ${wanted} platform into .sst/platform (about 30 s)" >&2
# Without these, sst first downloads Pulumi and bun, and reports telemetry.
SST_SKIP_DEPENDENCY_CHECK=true SST_NO_BUN=true SST_TELEMETRY_DISABLED=1 \
  npx --no-install sst install --stage ci >&2

installed || {
  echo "sst-install: .sst/platform is incomplete after sst install" >&2
  exit 1
}
