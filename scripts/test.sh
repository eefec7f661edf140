#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The whole test suite, from a fresh checkout on a fresh machine (this is what `npm test` and
# .ci/run call). Steps:
#   1. as root: install missing Debian packages the tests need (apt);
#   2. npm ci (builds the C addon with node-gyp and the TypeScript);
#   3. lint (incl. layer zones), formatting check (prettier) and typecheck;
#   4. unit + native tests, then the single executable dist/ghostwire (scripts/package.mjs);
#   5. privileged integration tests as root, then the same suite as an ordinary user
#      (privileged cases must degrade to recorded problems or skip with a reason);
#   6. as root: starts real container engines (scripts/engines-up.sh), runs the end-to-end
#      suites against them, stops what it started (scripts/engines-down.sh);
#   7. prints one closing line: "tests: N passed, N failed, N skipped".
# Set GW_TEST_SKIP_INSTALL=1 to skip steps 1-2 (developer loop).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT_DIR=$(pwd)
REPORT_DIR=$(mktemp -d /tmp/gw-test-XXXXXX)
chmod 1777 "$REPORT_DIR"
trap 'rm -rf "$REPORT_DIR"' EXIT

log() { printf '\n=== %s\n' "$*"; }

need_pkgs=()
want() { # want <command> <debian package>
  command -v "$1" >/dev/null 2>&1 || need_pkgs+=("$2")
}

if [[ "${GW_TEST_SKIP_INSTALL:-0}" != 1 ]]; then
  want ip iproute2
  want nft nftables
  want iptables-legacy iptables
  want unshare util-linux
  want setpriv util-linux
  want nsenter util-linux
  # /mobydig pings from inside a container's netns: iputils ping, or busybox's applet
  command -v ping >/dev/null 2>&1 || command -v busybox >/dev/null 2>&1 || need_pkgs+=(iputils-ping)
  want ps procps
  [[ -x /usr/bin/python3 ]] || need_pkgs+=(python3-minimal)
  want make make
  want g++ g++
  want chromium chromium # web UI browser tests (driven by playwright-core)
  want setcap libcap2-bin               # scripts/image.sh: file capabilities in the image
  want systemd-analyze systemd          # scripts/deploy.test.ts: systemd-analyze verify
  if ((${#need_pkgs[@]})); then
    if [[ $(id -u) -eq 0 ]]; then
      log "installing Debian packages: ${need_pkgs[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null || true
      apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
    else
      echo "missing packages (${need_pkgs[*]}) and not root: install them first" >&2
      exit 1
    fi
  fi
  log "npm ci (addon + TypeScript build)"
  npm ci --no-audit --no-fund || exit 1
fi

status=0
log "lint"
npx eslint . || status=1
log "format (prettier --check)"
npx prettier --check . || status=1
log "typecheck"
npx tsc -p tsconfig.json --noEmit || status=1
log "web UI: lint, typecheck, unit tests (jsdom)"
(cd web && npx eslint . && npx tsc -p tsconfig.json --noEmit) || status=1
(cd web && npx vitest run --reporter=default --reporter=json --outputFile.json="$REPORT_DIR/web.json") || status=1

run_vitest() { # run_vitest <report-name> <args...>
  local name=$1; shift
  npx vitest run --reporter=default --reporter=json --outputFile.json="$REPORT_DIR/$name.json" "$@"
}

log "unit + native tests"
run_vitest unit --project unit --project native || status=1

log "single executable (npm run package: dist/ghostwire, used by the integration and e2e suites)"
node scripts/package.mjs || status=1

if [[ $(id -u) -eq 0 ]]; then
  log "integration tests (root)"
  run_vitest integration-root --project integration || status=1
  log "integration tests (unprivileged user 65534)"
  # Same suite without privileges: must pass with problems instead of crashes. If user 65534
  # cannot read this checkout (e.g. it lives below /root), run a world-readable copy.
  as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
  USER_DIR=$ROOT_DIR
  if ! as_user test -r "$ROOT_DIR/package.json" -a -x "$ROOT_DIR/node_modules/.bin"; then
    USER_DIR="$REPORT_DIR/tree"
    mkdir -p "$USER_DIR"
    tar -C "$ROOT_DIR" --exclude=./.git -cf - . | tar -C "$USER_DIR" -xf -
    chmod -R a+rX "$USER_DIR"
  fi
  (cd "$USER_DIR" && as_user env HOME="$REPORT_DIR" npx vitest run --configLoader runner --reporter=default --reporter=json \
    --outputFile.json="$REPORT_DIR/integration-user.json" --project integration) || status=1
  log "end-to-end tests against real container engines (root)"
  if scripts/engines-up.sh; then
    GW_E2E_REQUIRED=1 run_vitest e2e --project e2e || status=1
  else
    echo "engines-up.sh failed: end-to-end tests cannot run" >&2
    status=1
  fi
  scripts/engines-down.sh || status=1
else
  log "integration tests (not root: privileged cases skip or record problems)"
  run_vitest integration-user --project integration || status=1
fi

node -e '
const fs = require("fs"), path = require("path");
let p = 0, f = 0, s = 0;
for (const file of fs.readdirSync(process.argv[1])) {
  if (!file.endsWith(".json")) continue;
  const r = JSON.parse(fs.readFileSync(path.join(process.argv[1], file), "utf8"));
  p += r.numPassedTests; f += r.numFailedTests; s += r.numPendingTests + (r.numTodoTests || 0);
  if (r.numFailedTestSuites && !r.numFailedTests) f += r.numFailedTestSuites;
}
console.log(`\ntests: ${p} passed, ${f} failed, ${s} skipped`);
' "$REPORT_DIR"
exit $status
