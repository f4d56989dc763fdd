# buildGoModule's vendorHash for each Go module the flake builds, kept in
# their own file so `make test-nix` (nix/check.sh) can recompute and compare
# them; it prints the new value when one is stale.
{
  # bindings/go: no dependencies, nothing to vendor.
  core = null;
  # bindings/go/awscache (proxyVendor = true): the NAR hash of Go's module
  # download cache after `go mod download` (without its sumdb folder), from
  # bindings/go/awscache/go.sum.
  awscache = "sha256-fkm800fE3yWnVredy6Aj9e7GVf7SPrAIi0EUzN5s8fM=";
}
