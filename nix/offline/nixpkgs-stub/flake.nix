# An offline stand-in for nixpkgs, used only by `make test-nix` (nix/check.sh)
# through `--override-input nixpkgs`. No nixpkgs can be fetched on this
# project's machines; this provides the part of nixpkgs' interface that
# ../../../flake.nix uses, with builders that really run, on the host's
# toolchains:
#
#  * stdenv.mkDerivation and runCommand run the derivation's own phases and
#    hooks (the flake's buildPhase, checkPhase, installPhase, postInstall, ...)
#    with setup.sh, a small generic builder that follows nixpkgs' phase
#    conventions;
#  * rustPlatform.buildRustPackage adds rust-hooks.sh (cargo setup, build,
#    test, install as nixpkgs' cargo hooks do) and, like importCargoLock,
#    vendors every crate of the lock file: one fixed-output derivation per
#    crate, whose hash is Cargo.lock's checksum, copied from the host's cargo
#    cache (~/.cargo/registry/cache) instead of downloaded (fetch-crate.sh);
#  * tool packages (pkgs.cargo, pkgs.cbindgen, pkgs.pkg-config, ...) and the
#    stdenv's basic tools are folders of symlinks to the host's programs
#    (host-tool.sh), so a build sees only the tools its inputs name.
#
# These builds need Nix's sandbox off and no build users (they read the
# host's toolchains and cargo cache): nix/check.sh passes
# `--option sandbox false --option build-users-group ''`.
#
# Not emulated (these stay eval-only: their builder fails with a message):
# buildGoModule, mkShell. Every argument given to a builder is also
# serialized into its derivation (stubArgs), so a typo, a missing file or a
# missing attribute fails `nix flake check --no-build` as well.
# What this proves and what only real nixpkgs can: docs/building.md, "Nix".
{
  description = "offline nixpkgs stand-in for clientcache's flake: its builders run the flake's phases on the host's toolchains";

  outputs = { self }:
    let
      forSystem = system:
        let
          bash = "/bin/bash";
          inherit (builtins) map filter listToAttrs removeAttrs toJSON isAttrs isString;

          # A folder of symlinks to host programs (host-tool.sh).
          hostTool = name: bins: extra:
            derivation ({
              name = "host-${name}";
              inherit system bins;
              builder = bash;
              args = [ ./host-tool.sh ];
              preferLocalBuild = true;
              allowSubstitutes = false;
            } // extra);
          tool = name: bins: hostTool name bins { };

          # The stdenv's basic tools (nixpkgs' stdenv: bash, coreutils,
          # findutils, diffutils, sed, grep, awk, tar, gzip, make, patch and
          # a C compiler whose linker records run-time search paths).
          stdenvTools = hostTool "stdenv-tools"
            [ "bash" "sh" "cat" "cp" "mv" "rm" "ln" "mkdir" "rmdir" "chmod" "touch" "ls" "head" "tail" "tr" "cut"
              "sort" "uniq" "wc" "tee" "env" "basename" "dirname" "readlink" "realpath" "mktemp" "date" "sleep"
              "true" "false" "test" "expr" "printf" "echo" "id" "uname" "nproc" "install" "stat" "find" "xargs"
              "diff" "cmp" "sed" "grep" "awk" "tar" "gzip" "make" "patch" "cc" "gcc" "c++" "g++" "cpp" "ld" "ar"
              "ranlib" "nm" "strip" "as" "objcopy" ]
            { optionalBins = [ "gawk" "egrep" "fgrep" "bzip2" "xz" "file" "sha256sum" "du" "which" ]; wrapCC = true; };

          # Makes `derivation` accept mkDerivation's arguments: `env` becomes
          # variables, booleans become "1"/"", attribute sets are dropped
          # (meta, passthru, cargoLock: they live in stubArgs).
          toDrvAttrs = args:
            let
              plain = removeAttrs args [ "env" "meta" "passthru" ];
              keep = filter (n: !(isAttrs plain.${n}) || plain.${n} ? outPath) (builtins.attrNames plain);
            in
            listToAttrs (map (n: { name = n; value = plain.${n}; }) keep) // (args.env or { });

          mkDerivationWith = kind: extra: args:
            let
              name = args.name or "${args.pname}-${args.version}";
              drv = derivation (toDrvAttrs args // {
                inherit name system;
                builder = bash;
                args = [ ./setup.sh ];
                inherit stdenvTools;
                stubKind = kind;
                stubArgs = toJSON args;
              } // extra);
            in
            drv // { stubArgs = args; };

          # A builder that Nix can instantiate but the stand-in cannot run.
          evalOnly = kind: check: args:
            assert isAttrs args;
            assert check args;
            let drv = derivation {
              name = "${args.pname or args.name or "nix-shell"}-${args.version or "stub"}";
              inherit system;
              builder = "/bin/sh";
              args = [ "-c" "echo '${kind}: not emulated by the offline nixpkgs stand-in (nix/offline/nixpkgs-stub); only real nixpkgs builds this' >&2; exit 1" ];
              stubKind = kind;
              stubArgs = toJSON args;
            };
            in drv // { stubArgs = args; };

          hasVersion = args: isString args.pname && isString args.version;

          # Like importCargoLock: the lock file is read at evaluation time;
          # git dependencies would need outputHashes (none here).
          readLock = lockFile: builtins.fromTOML (builtins.readFile lockFile);
          cargoLockOk = args:
            builtins.all (p: !(p ? source) || (builtins.substring 0 9 p.source == "registry+" && p ? checksum))
              (readLock args.cargoLock.lockFile).package;

          importCargoLock = lockFile:
            let
              crates = filter (p: p ? source) (readLock lockFile).package;
              fetchCrate = p: derivation {
                name = "crate-${p.name}-${p.version}.tar.gz";
                inherit system;
                builder = bash;
                args = [ ./fetch-crate.sh ];
                crateName = p.name;
                crateVersion = p.version;
                outputHashMode = "flat";
                outputHashAlgo = "sha256";
                outputHash = p.checksum;
                preferLocalBuild = true;
                allowSubstitutes = false;
              };
            in
            derivation {
              name = "cargo-vendor-dir";
              inherit system stdenvTools lockFile;
              builder = bash;
              args = [ ./vendor-crates.sh ];
              crates = map fetchCrate crates;
              crateNames = map (p: "${p.name}-${p.version}") crates;
              checksums = map (p: p.checksum) crates;
              preferLocalBuild = true;
            };

          sriHash = h: h == null || builtins.match "sha256-[A-Za-z0-9+/]{43}=" h != null;

          rustToolchain = [ (tool "cargo" [ "cargo" ]) (tool "rustc" [ "rustc" "rustdoc" ]) ];

          python3Packages = {
            moto = tool "python3-moto" [ ] // { optional-dependencies.server = [ (tool "python3-flask" [ ]) (tool "python3-flask-cors" [ ]) ]; };
            flask = tool "python3-flask" [ ];
            flask-cors = tool "python3-flask-cors" [ ];
          };
        in
        {
          lib = {
            licenses.asl20 = { spdxId = "Apache-2.0"; };
            platforms.linux = [ "x86_64-linux" "aarch64-linux" ];
          };

          stdenv = {
            hostPlatform = { inherit system; };
            mkDerivation = args:
              assert isAttrs args && (args ? pname || args ? name);
              mkDerivationWith "stdenv.mkDerivation" { } args;
          };

          runCommand = name: env: buildCommand:
            assert isString buildCommand;
            mkDerivationWith "runCommand" { } (env // { inherit name buildCommand; });

          rustPlatform.buildRustPackage = args:
            assert isAttrs args && hasVersion args && cargoLockOk args;
            mkDerivationWith "buildRustPackage"
              {
                nativeBuildInputs = rustToolchain ++ (args.nativeBuildInputs or [ ]);
                cargoVendorDir = importCargoLock args.cargoLock.lockFile;
                setupHooks = [ ./rust-hooks.sh ];
                doCheck = args.doCheck or true;
              }
              args;

          buildGoModule = evalOnly "buildGoModule"
            (args: hasVersion args && args ? vendorHash && sriHash args.vendorHash
              # nixpkgs: proxyVendor needs a hash (there is always a download cache).
              && !((args.proxyVendor or false) && args.vendorHash == null));
          mkShell = evalOnly "mkShell" (args: builtins.all (p: p ? drvPath) args.packages);

          python3 = tool "python3" [ "python3" ] // {
            # The host's python3, which must have moto's server (checked
            # when a build needs it).
            withPackages = f:
              let packages = f python3Packages; in
              assert builtins.all (p: p ? drvPath) packages;
              hostTool "python3-env" [ "python3" ] { requireImport = [ "moto.server" "flask" "flask_cors" ]; }
              // { stubArgs = { name = "python3-env"; inherit packages; }; };
          };

          bazel_7 = tool "bazel_7" [ "bazel" ];
          cargo = tool "cargo" [ "cargo" ];
          cbindgen = tool "cbindgen" [ "cbindgen" ];
          clippy = tool "clippy" [ "cargo-clippy" "clippy-driver" ];
          gcc = tool "gcc" [ "gcc" "g++" ];
          git = tool "git" [ "git" ];
          gnumake = tool "gnumake" [ "make" ];
          go = tool "go" [ "go" "gofmt" ];
          nodejs = tool "nodejs" [ "node" "npm" "npx" ];
          patchelf = tool "patchelf" [ "patchelf" ];
          pkg-config = tool "pkg-config" [ "pkg-config" ];
          rustc = tool "rustc" [ "rustc" "rustdoc" ];
          rustfmt = tool "rustfmt" [ "rustfmt" "cargo-fmt" ];
          valgrind = tool "valgrind" [ "valgrind" ];
        };
    in
    {
      legacyPackages = builtins.listToAttrs (map (system: { name = system; value = forSystem system; })
        [ "x86_64-linux" "aarch64-linux" ]);
    };
}
