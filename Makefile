# The two commands a newcomer needs (see README.md):
#   make demo   builds everything and serves the demo inbox and triage page
#   make test   runs every test: Rust, wasm smoke, browser end-to-end (Chromium, Firefox), Firefox lint
#   make bench  compares speed, accuracy and size with the peers in one table (docs/PERFORMANCE.md)
# Both install whatever this machine is missing first, and are quick when nothing is.

.PHONY: demo test fuzz build dist wasm setup bench clean

demo:
	@bash scripts/demo.sh

test:
	@bash scripts/test.sh

# Not in CI, and not on a busy machine: every contender is timed on one core.
bench:
	@bash scripts/bench.sh

# Every fuzz target for SECONDS each (default 60): make fuzz SECONDS=300
fuzz:
	@bash scripts/fuzz.sh $(or $(SECONDS),60)

# Everything the demo and the tests need: the CLI, the wasm, dist/ and the zips.
build: setup
	@bash scripts/build.sh

setup:
	@bash scripts/setup.sh

clean:
	rm -rf build dist target
