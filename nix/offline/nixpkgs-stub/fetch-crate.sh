# fetch-crate.sh — builder of one crate of Cargo.lock, the stand-in for
# nixpkgs' fetchurl of a crate tarball in importCargoLock. A fixed-output
# derivation whose hash is the crate's `checksum` in Cargo.lock: instead of
# downloading, it copies the .crate file from the host's cargo cache
# (~/.cargo/registry/cache, filled by any cargo build or `cargo fetch`), and
# Nix checks the copy against Cargo.lock's checksum.
set -eu -o pipefail
export PATH=/usr/bin:/bin
home="$(getent passwd "$(id -u)" | cut -d: -f6)"
for f in "$home"/.cargo/registry/cache/*/"$crateName-$crateVersion.crate"; do
  if [ -f "$f" ]; then
    cp "$f" "$out"
    exit 0
  fi
done
echo "fetch-crate: $crateName $crateVersion is not in $home/.cargo/registry/cache; fetch the locked crates once, with network access: (cd rust && cargo fetch --locked)" >&2
exit 1
