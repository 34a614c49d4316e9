# jshim: the two set-up commands are `make demo` and `make test`; both install what they need.
SHELL := /bin/bash
ENV := source tools/env.sh
MVN := mvn -B -ntp
PREFIX ?= /usr/local

.PHONY: test test-cgroup2 build demo bench install uninstall deps clean

deps:
	@tools/install-deps.sh

build: deps
	@$(ENV) && $(MVN) -DskipTests install

# all tests: the reactor's unit, interop, fuzz, end-to-end, fault and CRI tests, the end-to-end, fault and CRI tests a
# second time with warm spares off (jshim.spare.count = 0, dist/pom.xml profile spares-off: about 7 min more; its
# reports in dist/target/failsafe-reports-spares-off), then the cgroup v2 guest's scenarios on both shims (the dist
# build of verify is what the guest runs; about 7 min with the guest image cached, 15 min from clean on a quiet machine)
test: deps
	@$(ENV) && $(MVN) verify
	@tools/cgroup2-vm/run.sh

# the cgroup scenarios on both shims in a pure cgroup v2 Debian guest under qemu (tools/cgroup2-vm: the guest is
# built from Debian packages by a script and cached under .cache/cgroup2-vm; root needed)
test-cgroup2: deps
	@$(ENV) && $(MVN) -pl dist -am package -DskipTests
	@tools/cgroup2-vm/run.sh

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
