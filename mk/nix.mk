# Nix (issue 6): what can honestly be checked about flake.nix offline with
# Debian's nix-bin (2.8) — parsing, `nix flake check --no-build` and the
# outputs' structure against an offline nixpkgs stand-in, and the Go
# vendorHash (nix/check-offline.sh). Nothing is built: no nixpkgs can be
# fetched here. With network access: `nix flake check`, `nix build`,
# `nix develop` (docs/building.md).
#
# Does not depend on `lib`: no check here touches the built library.

.PHONY: test-nix
test-nix:
	@$(ENSURE) nix go
	$(ROOT)/nix/check-offline.sh

TEST_SUITES_ALL += test-nix
