# Nix: `make test-nix` (nix/check.sh) evaluates flake.nix and runs its builds
# with Debian's nix-bin (2.8), offline: nixpkgs is replaced by the stand-in
# nix/offline/nixpkgs-stub, whose stdenv and Rust builders run the flake's own
# phases (build, check, install, postInstall) on this machine's toolchains,
# with the sandbox off. It builds packages.default (`nix build`),
# checks.header and checks.c, and checks the output: the .so, the .a, the
# header (equal to include/clientcache.h), clientcache.pc, and a C program
# linked against it. What this proves and what only a networked `nix build`
# can: docs/building.md, "Nix".
#
# Does not depend on `lib`: the build compiles the crates inside Nix, in its
# own folder (rust/target is not used). The stand-in vendors rust/Cargo.lock's
# crates from ~/.cargo/registry; nix/check.sh first runs `cargo fetch --locked`
# when one is missing there (a build on Linux never downloads, e.g., the
# crates only Windows or WASI targets use). Installs nix-bin, Go (for the
# vendorHash check), pkg-config and valgrind when missing.

.PHONY: test-nix
test-nix:
	@$(ENSURE) rust nix go cc pkg-config valgrind
	@nice $(ROOT)/nix/check.sh

TEST_SUITES_ALL += test-nix
