# setup.sh — the stand-in's stdenv.mkDerivation builder (bash). It runs a
# derivation's phases the way nixpkgs' generic builder does, for the parts of
# that interface clientcache's flake uses, so that the flake's own phase text
# (buildPhase, checkPhase, installPhase, postInstall, ...) is what runs:
#
#   phases        unpack, patch, configure, build, check (when doCheck),
#                 install, fixup; a phase given as an attribute replaces the
#                 default; dontUnpack/dontConfigure/dontBuild/dontInstall/
#                 dontFixup skip one; `buildCommand` (runCommand) replaces all.
#   hooks         runHook preX / postX evaluates the attribute of that name,
#                 after the functions setup hooks registered in preXHooks /
#                 postXHooks (the Rust hooks use postUnpack).
#   inputs        bin/ of nativeBuildInputs, buildInputs and (when doCheck)
#                 nativeCheckInputs on PATH, after the stdenv's basic tools;
#                 their lib/pkgconfig on PKG_CONFIG_PATH; nothing else of the
#                 host is on PATH.
#   helpers       substitute / substituteInPlace (--replace-fail, --replace,
#                 --replace-quiet, --subst-var, --subst-var-by), patchShebangs.
#   environment   HOME=/homeless-shelter and TMPDIR as Nix sets them; CC,
#                 CXX; NIX_BUILD_CORES.
#
# Not emulated: nixpkgs' fixup beyond stripping debug information and
# patching shebangs (RPATH shrinking, multiple outputs, ...),
# patches by URL, structured attributes, cross compilation.
set -eu -o pipefail
shopt -s nullglob

PATH="$stdenvTools/bin"
PKG_CONFIG_PATH="${PKG_CONFIG_PATH:-}"
addInput() {
  local d="$1"
  [ -d "$d/bin" ] && PATH="$PATH:$d/bin"
  [ -d "$d/lib/pkgconfig" ] && PKG_CONFIG_PATH="${PKG_CONFIG_PATH:+$PKG_CONFIG_PATH:}$d/lib/pkgconfig"
  [ -d "$d/share/pkgconfig" ] && PKG_CONFIG_PATH="${PKG_CONFIG_PATH:+$PKG_CONFIG_PATH:}$d/share/pkgconfig"
  return 0
}
for d in ${nativeBuildInputs:-} ${buildInputs:-}; do addInput "$d"; done
[ "${doCheck:-}" = 1 ] && for d in ${nativeCheckInputs:-} ${checkInputs:-}; do addInput "$d"; done
export PATH PKG_CONFIG_PATH
export CC=cc CXX=c++
if [ -z "${NIX_BUILD_CORES:-}" ] || [ "$NIX_BUILD_CORES" = 0 ]; then NIX_BUILD_CORES="$(nproc)"; fi
export NIX_BUILD_CORES
: "${out:?}"

runHook() {
  local name="$1" f hooks
  hooks="${name}Hooks[@]"
  for f in ${!hooks+"${!hooks}"}; do "$f"; done
  if [ -n "${!name:-}" ]; then eval "${!name}"; fi
  return 0
}

stripHash() { local b; b="$(basename "$1")"; echo "${b#*-}"; }

# substitute IN OUT ARGS..., as nixpkgs' substitute: --replace-fail A B (A
# must occur), --replace A B / --replace-quiet A B (need not), --subst-var V
# (@V@ -> $V), --subst-var-by V X (@V@ -> X).
substitute() {
  local in="$1" dest="$2" content a b
  shift 2
  content="$(cat "$in"; printf x)"
  content="${content%x}"
  while [ $# -gt 0 ]; do
    case "$1" in
      --replace-fail|--replace|--replace-quiet|--replace-warn)
        a="$2" b="$3"
        if [[ "$content" != *"$a"* ]]; then
          if [ "$1" = --replace-fail ]; then
            echo "substitute: '$a' does not occur in $in" >&2
            return 1
          fi
        fi
        content="${content//"$a"/"$b"}"
        shift 3 ;;
      --subst-var) a="@$2@" b="${!2}"; content="${content//"$a"/"$b"}"; shift 2 ;;
      --subst-var-by) a="@$2@" b="$3"; content="${content//"$a"/"$b"}"; shift 3 ;;
      *) echo "substitute: unknown argument $1" >&2; return 1 ;;
    esac
  done
  printf '%s' "$content" >"$dest.tmp.$$"
  [ ! -e "$dest" ] || chmod --reference="$dest" "$dest.tmp.$$" 2>/dev/null || true
  mv "$dest.tmp.$$" "$dest"
}
substituteInPlace() { local f="$1"; shift; substitute "$f" "$f" "$@"; }

# patchShebangs PATH...: `#!/usr/bin/env prog` and `#!/some/dir/prog` in
# executable files become the program of that name on PATH (when there is one).
patchShebangs() {
  local f first interp prog rest new
  while IFS= read -r -d '' f; do
    IFS= read -r first <"$f" || true
    [[ "$first" == '#!'* ]] || continue
    interp="${first#\#!}"
    interp="${interp# }"
    rest=
    if [[ "$interp" == /usr/bin/env\ * ]]; then
      prog="${interp#/usr/bin/env }"
    else
      prog="${interp%% *}"
      [ "$prog" != "$interp" ] && rest=" ${interp#* }"
      prog="$(basename "$prog")"
    fi
    [[ "$prog" == *' '* ]] && { rest=" ${prog#* }$rest"; prog="${prog%% *}"; }
    new="$(command -v "$prog" 2>/dev/null)" || continue
    [[ "$new" == /* ]] || continue
    echo "patchShebangs: $f: $interp -> $new$rest"
    substituteInPlace "$f" --replace-fail "$first" "#!$new$rest"
  done < <(find "$@" -type f -perm -0100 -print0)
}

defaultUnpackPhase() {
  runHook preUnpack
  if [ -d "$src" ]; then
    cp -r "$src" "$(stripHash "$src")"
    chmod -R u+w "$(stripHash "$src")"
  else
    tar -xf "$src"
  fi
  : "${sourceRoot:=$(stripHash "$src")}"
  runHook postUnpack
}
defaultPatchPhase() {
  runHook prePatch
  local p
  for p in ${patches:-}; do patch -p1 <"$p"; done
  runHook postPatch
}
defaultConfigurePhase() {
  runHook preConfigure
  if [ -x ./configure ]; then ./configure --prefix="$out" ${configureFlags:-}; fi
  runHook postConfigure
}
hasMakefile() { [ -f Makefile ] || [ -f makefile ] || [ -f GNUmakefile ]; }
defaultBuildPhase() {
  runHook preBuild
  if hasMakefile; then make -j"$NIX_BUILD_CORES" ${makeFlags:-} ${buildFlags:-}; else echo "no Makefile, doing nothing"; fi
  runHook postBuild
}
defaultCheckPhase() {
  runHook preCheck
  if hasMakefile && make -n check >/dev/null 2>&1; then make ${makeFlags:-} check; else echo "no check target, doing nothing"; fi
  runHook postCheck
}
defaultInstallPhase() {
  runHook preInstall
  if hasMakefile; then make ${makeFlags:-} install; else echo "no Makefile, doing nothing"; fi
  runHook postInstall
}
# Like nixpkgs' fixup: debug information is stripped from the ELF files and
# static archives of $out's lib/ and bin/ (unless dontStrip), and scripts get
# their shebangs patched.
stripDebug() {
  local f magic
  while IFS= read -r -d '' f; do
    magic="$(head -c 8 "$f" | tr -d '\0')"
    case "$magic" in
      $'\x7fELF'*|'!<arch>'*) echo "strip -S $f"; strip -S -p "$f" ;;
    esac
  done < <(find "$@" -type f -print0 2>/dev/null)
}
defaultFixupPhase() {
  runHook preFixup
  if [ -z "${dontStrip:-}" ]; then stripDebug "$out/lib" "$out/bin"; fi
  [ ! -d "$out" ] || patchShebangs "$out"
  runHook postFixup
}

# Setup hooks of the builder (e.g. rust-hooks.sh) may replace the defaults.
for hook in ${setupHooks:-}; do . "$hook"; done

runPhase() { # runPhase NAME SKIP
  local name="$1" default="default${1^}"
  if [ "${2:-}" = 1 ]; then return 0; fi
  echo "stand-in stdenv: $name"
  if [ -n "${!name:-}" ]; then eval "${!name}"; else "$default"; fi
}

cd "$NIX_BUILD_TOP"
if [ -n "${buildCommand:-}" ]; then
  echo "stand-in stdenv: buildCommand"
  eval "$buildCommand"
else
  runPhase unpackPhase "${dontUnpack:-}"
  if [ -z "${dontUnpack:-}" ]; then cd "$sourceRoot"; fi
  runPhase patchPhase
  runPhase configurePhase "${dontConfigure:-}"
  runPhase buildPhase "${dontBuild:-}"
  [ "${doCheck:-}" = 1 ] && runPhase checkPhase
  runPhase installPhase "${dontInstall:-}"
  runPhase fixupPhase "${dontFixup:-}"
fi
[ -e "$out" ] || { echo "stand-in stdenv: the build did not create \$out" >&2; exit 1; }
