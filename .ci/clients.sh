#!/usr/bin/env bash
# Third-party MCP clients against target/debug/helpscout-mcp --sandbox: the official
# Python SDK, the MCP Inspector CLI and the MCP conformance suite (tests/clients/README.md).
# Installs its own pinned tools into tests/clients/ (a venv, Node 22 from npm, npm
# packages from the lockfiles); only the standard npm and pip caches live elsewhere.
# Every step is bounded by `timeout`; every server is a child on 127.0.0.1, killed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CLIENTS=$ROOT/tests/clients
WORK=$CLIENTS/.work
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/debug/helpscout-mcp
NODE_VERSION=v22.23.3
SERVER_PIDS=()
ADDR=

STEP="set-up"

cleanup() {
  local status=$?
  for pid in "${SERVER_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  [ "$status" = 0 ] || echo "clients: $STEP FAILED (exit $status)" >&2
}
trap cleanup EXIT

step_started=$SECONDS
begin() {
  echo "== clients: $1"
  STEP=$1
  step_started=$SECONDS
}
passed() {
  echo "clients: $1 passed ($((SECONDS - step_started))s)"
}

# A fresh machine may lack the Debian bits the installers need.
need_debian() {
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    timeout 300 apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq "$@" >/dev/null
  else
    echo "clients: missing $* and cannot apt-get install it here" >&2
    exit 1
  fi
}

# `helpscout-mcp --sandbox [ARGS] http` on an ephemeral loopback port; sets ADDR.
start_http() {
  local log=$WORK/server-$1.log
  shift
  env -u HELPSCOUT_MCP_TOKEN RUST_LOG=info "$BIN" --sandbox "$@" http --listen 127.0.0.1:0 \
    </dev/null >/dev/null 2>"$log" &
  SERVER_PIDS+=($!)
  ADDR=
  for _ in $(seq 1 300); do
    ADDR=$(grep -o -m1 'listening on http://[0-9.:]*' "$log" | sed 's|^listening on http://||' || true)
    [ -n "$ADDR" ] && return 0
    kill -0 "${SERVER_PIDS[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "clients: the HTTP server did not start; its log:" >&2
  tail -n 20 "$log" >&2
  exit 1
}

rm -rf "$WORK"
mkdir -p "$WORK"

if [ ! -x "$BIN" ]; then
  begin "build the binary"
  timeout 1200 cargo build --locked --bin helpscout-mcp
  passed "build"
fi

begin "install the pinned clients"
command -v python3 >/dev/null || need_debian python3 python3-venv
python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
  || { echo "clients: mcp 2.3.0 needs Python 3.10 or newer, python3 is $(python3 --version)" >&2; exit 1; }
if [ ! -x "$CLIENTS/.venv/bin/pip" ]; then
  rm -rf "$CLIENTS/.venv"
  # Debian's python3 makes venvs only with python3-venv (ensurepip) installed.
  timeout 120 python3 -m venv "$CLIENTS/.venv" >/dev/null 2>&1 || {
    rm -rf "$CLIENTS/.venv"
    need_debian python3-venv
    timeout 120 python3 -m venv "$CLIENTS/.venv"
  }
fi
timeout 600 "$CLIENTS/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$CLIENTS/requirements.txt"
PY=$CLIENTS/.venv/bin/python
command -v npm >/dev/null || need_debian npm
timeout 600 npm ci --prefix "$CLIENTS/node-runtime" --ignore-scripts --no-audit --no-fund --loglevel=error
export PATH=$CLIENTS/node-runtime/node_modules/.bin:$PATH
[ "$(node --version)" = "$NODE_VERSION" ] || { echo "clients: node is $(node --version), expected $NODE_VERSION" >&2; exit 1; }
# The inspector's postinstall only matters in its own source checkout.
timeout 600 npm ci --prefix "$CLIENTS" --ignore-scripts --no-audit --no-fund --loglevel=error
passed "install (mcp $("$PY" -c 'import importlib.metadata as m; print(m.version("mcp"))'), node $(node --version))"

begin "official Python SDK: stdio, Streamable HTTP (auto, legacy), legacy SSE"
timeout 300 "$PY" "$CLIENTS/python_scenario.py" "$BIN"
passed "Python SDK"

begin "MCP Inspector CLI: stdio, Streamable HTTP, SSE"
# The inspector keeps a catalog, client config and OAuth state under ~: keep them here.
export MCP_STORAGE_DIR=$WORK/inspector MCP_CATALOG_PATH=$WORK/inspector/catalog.json \
  MCP_CLIENT_CONFIG_PATH=$WORK/inspector/client.json MCP_INSPECTOR_OAUTH_STATE_PATH=$WORK/inspector/oauth.json
mkdir -p "$WORK/inspector"
INSPECTOR=("$CLIENTS/node_modules/.bin/inspector" --cli --format json --connect-timeout 30000)
CONVERSATION=2000001
start_http inspector
inspect() {
  local label=$1
  shift
  if ! timeout 120 "${INSPECTOR[@]}" "$@" >"$WORK/$label.json" 2>"$WORK/$label.err"; then
    echo "clients: inspector $label failed:" >&2
    tail -n 30 "$WORK/$label.err" >&2
    exit 1
  fi
}
for transport in stdio http sse; do
  case $transport in
    stdio) target=(-- "$BIN" --sandbox stdio) ;;
    http) target=(--transport http --server-url "http://$ADDR/mcp") ;;
    sse) target=(--transport sse --server-url "http://$ADDR/sse") ;;
  esac
  # --strict exits non-zero on any tool-schema portability error (warnings are counted).
  inspect "$transport-tools-list" --method tools/list --strict "${target[@]}"
  echo "  ok  $transport tools/list: $("$PY" "$CLIENTS/check_inspector.py" tools-list "$WORK/$transport-tools-list.json" 50)," \
    "$(grep -o '[0-9]* errors, [0-9]* warnings across [0-9]* tools' "$WORK/$transport-tools-list.err" || echo 'no portability summary')"
  inspect "$transport-tools-call" --method tools/call --tool-name get_conversation \
    --tool-arg "conversation_id=$CONVERSATION" "${target[@]}"
  echo "  ok  $transport tools/call: $("$PY" "$CLIENTS/check_inspector.py" get-conversation "$WORK/$transport-tools-call.json" "$CONVERSATION")"
done
# Streamable HTTP also speaks the stateless 2026-07-28 protocol (no initialize, no session).
inspect "http-modern-tools-call" --protocol-era modern --method tools/call --tool-name get_conversation \
  --tool-arg "conversation_id=$CONVERSATION" --transport http --server-url "http://$ADDR/mcp"
echo "  ok  http --protocol-era modern tools/call: $("$PY" "$CLIENTS/check_inspector.py" get-conversation "$WORK/http-modern-tools-call.json" "$CONVERSATION")"
passed "MCP Inspector CLI"

begin "MCP conformance suite $(node "$CLIENTS/node_modules/.bin/conformance" --version 2>/dev/null || true)"
# The generic server scenarios: every one that runs against any server. The others need
# the suite's fixture tools, prompts or resources (test_simple_text, test_simple_prompt,
# test://static-text, ...) or capabilities helpscout-mcp does not declare (logging,
# completions, tasks, skills); see tests/clients/README.md. Each runs at every protocol
# version it applies to.
SCENARIOS=(
  server-initialize server-session-lifecycle server-stateless ping tools-list
  resources-list prompts-list sep-2164-resource-not-found server-sse-polling
  server-sse-multiple-streams dns-rebinding-protection http-header-validation caching
  input-required-result-unsupported-methods
)
CONFORMANCE=("$CLIENTS/node_modules/.bin/conformance")
timeout 60 "${CONFORMANCE[@]}" list --server >"$WORK/conformance-scenarios.txt"
start_http conformance
status=0
runs=0
for scenario in "${SCENARIOS[@]}"; do
  versions=$(sed -n "s/^  - $scenario \[\(.*\)\]$/\1/p" "$WORK/conformance-scenarios.txt" | tr ',' ' ')
  dated=$(for v in $versions; do [[ $v =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] && echo "$v"; done || true)
  if [ -z "$dated" ]; then
    echo "clients: conformance scenario $scenario is not in this suite version (or has no protocol version)" >&2
    exit 1
  fi
  for version in $dated; do
    # The baseline for this version: entries without a version, and those for this one.
    baseline=$WORK/expected-failures-$version.yaml
    {
      echo "server:"
      grep -v '^[[:space:]]*\(#\|$\)' "$CLIENTS/conformance-expected-failures.txt" | sed 's/[[:space:]]*#.*$//' \
        | while read -r first second; do
          if [ -z "$second" ]; then echo "  - \"$first\""; elif [ "$first" = "$version" ]; then echo "  - \"$second\""; fi
        done
    } >"$baseline"
    out=$WORK/conformance/$version/$scenario
    mkdir -p "$out"
    runs=$((runs + 1))
    if timeout 120 "${CONFORMANCE[@]}" server --url "http://$ADDR/mcp" --scenario "$scenario" \
      --spec-version "$version" --expected-failures "$baseline" --timeout 30000 -o "$out" \
      >"$out.log" 2>&1; then
      verdict=ok
    else
      verdict=FAILED
      status=1
    fi
    # A run that checked nothing must not pass: count its verdicts from checks.json.
    counts=$("$PY" - "$out" <<'EOF'
import collections, glob, json, sys
statuses = collections.Counter()
for path in glob.glob(sys.argv[1] + "/*/checks.json"):
    statuses.update(check["status"] for check in json.load(open(path)) if check["status"] != "INFO")
# WARNING counts as a failure too: the baseline excuses both, or neither.
labels = {"SUCCESS": "passed", "FAILURE": "failed", "WARNING": "warned", "SKIPPED": "skipped"}
print(", ".join(f"{count} {labels.get(status, status.lower())}" for status, count in sorted(statuses.items(), key=lambda s: s[0] != "SUCCESS")) or "no checks")
EOF
    )
    case $counts in *passed*) ;; *) verdict=FAILED status=1 ;; esac
    case $verdict/$counts in ok/*failed* | ok/*warned*) counts="$counts (all expected: conformance-expected-failures.txt)" ;; esac
    echo "  $verdict  $scenario @ $version: $counts"
    if [ "$verdict" = FAILED ]; then
      sed -n '/Expected failures\|Stale baseline\|Unexpected failures/,$p' "$out.log" | sed 's/\x1b\[[0-9;]*m//g' | head -n 30
      echo "      (full output: $out.log; checks: $out/*/checks.json)"
    fi
  done
done
if [ "$status" != 0 ]; then
  echo "clients: MCP conformance suite FAILED (an unexpected failure or a stale entry in tests/clients/conformance-expected-failures.txt)" >&2
  exit 1
fi
passed "MCP conformance suite ($runs scenario runs)"
