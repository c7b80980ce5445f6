#!/usr/bin/env bash
# CI fuzz step: the proptest fuzz targets of tests/suite/fuzz_*.rs (cargo-fuzz needs nightly),
# each run for FUZZ_SECONDS of fresh random cases instead of the small batch that a plain
# `cargo test` runs. Reuses the debug build of the test step. Every run is bounded by
# `timeout`, which also ends the server processes the stdio target spawns. Each target
# prints `fuzz <name>: N cases in Ts`; a failure prints its shrunk input.
set -euo pipefail
cd "$(dirname "$0")/.."

export FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
# Up to two rounds of targets (fuzz_responses has four, two at a time), shrinking a
# failure (about 20 s per target) and start-up.
bound=$((FUZZ_SECONDS * 3 + 90))

for target in fuzz_arguments fuzz_responses fuzz_stdio; do
  echo "-- $target (${FUZZ_SECONDS}s per fuzz target)"
  # Two targets of one file at once: each is single-threaded, and CI has two cores.
  timeout --kill-after=10 "$bound" \
    cargo test --locked --test suite -- "$target::" --nocapture --test-threads 2
done
