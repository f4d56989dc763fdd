# rust-hooks.sh — the stand-in's rustPlatform hooks, sourced by setup.sh for
# buildRustPackage derivations. Like nixpkgs' cargoSetupHook, cargoBuildHook,
# cargoCheckHook and cargoInstallHook, written for what the flake uses:
#
#   setup    (postUnpack) CARGO_HOME in the build folder with a config that
#            replaces crates.io by the vendored crates ($cargoVendorDir, from
#            Cargo.lock) and works offline; the source's Cargo.lock
#            ($cargoRoot/Cargo.lock) must equal the vendored one.
#   build    cargo build --offline --locked --profile release --target <host>
#            $cargoBuildFlags, in $buildAndTestSubdir, target folder at the
#            top of the source.
#   check    cargo test, same flags, $cargoTestFlags (doCheck defaults to 1).
#   install  the release folder's shared and static libraries into $out/lib,
#            its executables into $out/bin; then postInstall.
cargoSetup() {
  export CARGO_HOME="$NIX_BUILD_TOP/.cargo"
  mkdir -p "$CARGO_HOME"
  cat >"$CARGO_HOME/config.toml" <<TOML
[source.crates-io]
replace-with = "vendored-sources"

[source.vendored-sources]
directory = "$cargoVendorDir"

[net]
offline = true
TOML
  local lock="$NIX_BUILD_TOP/$sourceRoot/${cargoRoot:+$cargoRoot/}Cargo.lock"
  if ! cmp -s "$lock" "$cargoVendorDir/Cargo.lock"; then
    echo "cargo setup: $lock differs from the Cargo.lock the crates were vendored from" >&2
    diff -u "$cargoVendorDir/Cargo.lock" "$lock" >&2 || true
    exit 1
  fi
  echo "cargo setup: crates vendored from Cargo.lock in $cargoVendorDir"
}
postUnpackHooks+=(cargoSetup)

rustHostTarget="$(rustc -vV | sed -n 's/^host: //p')"
cargoReleaseDir() { echo "${CARGO_TARGET_DIR:-$PWD/target}/$rustHostTarget/release"; }

inCargoSubdir() {
  if [ -n "${buildAndTestSubdir:-}" ]; then
    # The target folder stays at the top of the source, where the install
    # step looks for it.
    export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
    (cd "$buildAndTestSubdir" && "$@")
  else
    "$@"
  fi
}
run() { echo "+ $*"; "$@"; }

defaultBuildPhase() {
  runHook preBuild
  inCargoSubdir run cargo build -j "$NIX_BUILD_CORES" --offline --locked --profile release \
    --target "$rustHostTarget" ${cargoBuildFlags:-}
  runHook postBuild
}
defaultCheckPhase() {
  runHook preCheck
  inCargoSubdir run cargo test -j "$NIX_BUILD_CORES" --offline --locked --profile release \
    --target "$rustHostTarget" ${cargoTestFlags:-} -- --test-threads="$NIX_BUILD_CORES"
  runHook postCheck
}
defaultInstallPhase() {
  runHook preInstall
  local dir f
  dir="$(cargoReleaseDir)"
  mkdir -p "$out/lib" "$out/bin"
  for f in "$dir"/*; do
    [ -f "$f" ] || continue
    case "$f" in
      *.so|*.so.*|*.a) install -m "$([ -x "$f" ] && echo 755 || echo 644)" "$f" "$out/lib/" ;;
      *.d|*.rlib|*.rmeta) ;;
      *) if [ -x "$f" ]; then install -m 755 "$f" "$out/bin/"; fi ;;
    esac
  done
  rmdir "$out/bin" "$out/lib" 2>/dev/null || true
  runHook postInstall
}
