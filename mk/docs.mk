# Documentation and shared data that other suites rely on.
#
#   test-docs   README examples are excerpts of files the suites compile and
#               run; tests/vectors/keys.json is what its independent Python
#               generator produces.

.PHONY: test-docs
test-docs:
	python3 $(ROOT)/scripts/check-readme.py
	python3 $(ROOT)/tests/vectors/generate.py --check

TEST_SUITES_ALL += test-docs
