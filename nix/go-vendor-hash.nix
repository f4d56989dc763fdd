# buildGoModule's vendorHash for bindings/go: the NAR hash (SRI) of the
# folder `go mod vendor` writes from bindings/go/go.sum. Kept in its own file
# so `make test-nix` (nix/check-offline.sh) can recompute and compare it; it
# prints the new value when go.sum changes.
"sha256-g5Q7kEgxO8HoVtKizZJvxzkh4rB+W2u0C8C/7I2tTZw="
