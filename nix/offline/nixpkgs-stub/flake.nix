# An offline stand-in for nixpkgs, used only by `make test-nix`
# (nix/check-offline.sh) through `--override-input nixpkgs`. No nixpkgs can be
# fetched on this project's machines; this provides just the part of its
# interface that ../../../flake.nix uses, so that Nix itself can evaluate the
# flake's outputs, instantiate every package, check and dev shell as a
# derivation (`nix flake check --no-build`), and read the files those
# functions read at evaluation time in real nixpkgs (rust/Cargo.lock). Every argument given to a stubbed builder
# is serialized into its derivation, so a typo, a missing file or a missing
# attribute fails the check. Nothing here can be built: the builder exits 1.
# What this cannot show — that real nixpkgs accepts the arguments and that the
# builds and checks pass — is listed in docs/building.md.
{
  description = "offline nixpkgs stand-in for evaluating clientcache's flake (never built)";

  outputs = { self }:
    let
      forSystem = system:
        let
          stub = name: attrs:
            derivation {
              inherit name system;
              builder = "/bin/sh";
              args = [ "-c" "echo 'offline nixpkgs stub: not buildable' >&2; exit 1" ];
            } // attrs;
          tool = name: stub name { };

          # A builder: records all of its arguments (forcing them) in the
          # derivation, after `check` has validated them.
          builder = kind: check: args:
            assert builtins.isAttrs args;
            assert check args;
            let drv = derivation {
              name = "${args.pname or args.name or "nix-shell"}-${args.version or "stub"}";
              inherit system;
              builder = "/bin/sh";
              args = [ "-c" "exit 1" ];
              stubKind = kind;
              stubArgs = builtins.toJSON args;
            };
            in drv // { stubArgs = args; };

          hasVersion = args: builtins.isString args.pname && builtins.isString args.version;

          # Like importCargoLock: the lock file is read and parsed at
          # evaluation time; git dependencies would need outputHashes.
          cargoLockOk = args:
            let lock = builtins.fromTOML (builtins.readFile args.cargoLock.lockFile);
            in builtins.all (p: !(p ? source) || builtins.substring 0 9 p.source == "registry+") lock.package;

          sriHash = h: h == null || builtins.match "sha256-[A-Za-z0-9+/]{43}=" h != null;

          python3Packages = {
            moto = tool "python3-moto" // { optional-dependencies.server = [ (tool "python3-flask") (tool "python3-flask-cors") ]; };
            flask = tool "python3-flask";
            flask-cors = tool "python3-flask-cors";
          };
        in
        {
          lib = {
            licenses.asl20 = { spdxId = "Apache-2.0"; };
            platforms.linux = [ "x86_64-linux" "aarch64-linux" ];
          };
          stdenv = {
            hostPlatform = { inherit system; };
            mkDerivation = builder "stdenv.mkDerivation" (args: args ? pname || args ? name);
          };
          rustPlatform.buildRustPackage = builder "buildRustPackage"
            (args: hasVersion args && cargoLockOk args);
          buildGoModule = builder "buildGoModule"
            (args: hasVersion args && args ? vendorHash && sriHash args.vendorHash);
          runCommand = name: env: script:
            assert builtins.isString script;
            builder "runCommand" (_: true) (env // { inherit name script; });
          mkShell = builder "mkShell" (args: builtins.all (p: p ? drvPath) args.packages);
          python3 = tool "python3" // {
            withPackages = f: builder "python3.withPackages" (_: true) {
              name = "python3-env";
              packages = f python3Packages;
            };
          };
        } // builtins.listToAttrs (map (name: { inherit name; value = tool name; }) [
          "bazel_7"
          "cargo"
          "cbindgen"
          "clippy"
          "gcc"
          "git"
          "gnumake"
          "go"
          "nodejs"
          "pkg-config"
          "rustc"
          "rustfmt"
          "valgrind"
        ]);
    in
    {
      legacyPackages = builtins.listToAttrs (map (system: { name = system; value = forSystem system; })
        [ "x86_64-linux" "aarch64-linux" ]);
    };
}
