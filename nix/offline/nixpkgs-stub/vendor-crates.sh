# vendor-crates.sh — builder of the vendor folder of the stand-in's
# importCargoLock: every crate of Cargo.lock unpacked into $out/<name>-<version>
# with the .cargo-checksum.json cargo's directory sources need, and the
# Cargo.lock it was made from (the build compares it with the source's).
set -eu -o pipefail
export PATH="$stdenvTools/bin"
mkdir -p "$out"
read -r -a names <<<"$crateNames"
read -r -a sums <<<"$checksums"
i=0
for crate in $crates; do
  dir="$out/${names[$i]}"
  mkdir -p "$dir"
  tar -xzf "$crate" -C "$dir" --strip-components=1
  printf '{"files":{},"package":"%s"}\n' "${sums[$i]}" >"$dir/.cargo-checksum.json"
  i=$((i + 1))
done
cp "$lockFile" "$out/Cargo.lock"
echo "vendored $i crates"
