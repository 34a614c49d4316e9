# jshim: the two set-up commands are `make demo` and `make test`; both install what they need.
SHELL := /bin/bash
ENV := source tools/env.sh
MVN := mvn -B -ntp
PREFIX ?= /usr/local

.PHONY: test build demo bench install uninstall deps clean

deps:
	@tools/install-deps.sh

build: deps
	@$(ENV) && $(MVN) -DskipTests install

test: deps
	@$(ENV) && $(MVN) verify

demo: build
	@$(ENV) && dist/src/demo/demo.sh

# the longer fuzzing run of ttrpc-java (issue: a bounded run in make test, a longer one here): 3 minutes a target
FUZZ_DURATION ?= 3m
bench: build
	@$(ENV) && bench/run.sh
	@$(ENV) && ttrpc-java/fuzz/fuzz-long.sh $(FUZZ_DURATION)

install: build
	@$(ENV) && dist/src/install/install.sh "$(PREFIX)"

uninstall:
	@dist/src/install/uninstall.sh "$(PREFIX)"

clean:
	@$(ENV) && $(MVN) -q clean
