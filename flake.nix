{
  description = "clientcache: a bounded, concurrency-safe cache for AWS SDK clients (Rust core, C ABI, Go and Node bindings)";

  # flake.lock pins this on the first networked `nix flake lock` (none can be
  # produced on this project's offline machines; current nixos-unstable also
  # needs Nix >= 2.18, newer than Debian's nix-bin 2.8; see docs/building.md).
  # Offline, `make test-nix` runs these builds against a stand-in for nixpkgs
  # (nix/offline/nixpkgs-stub).
  # nixos-unstable because the workspace needs a recent Rust (edition 2024,
  # rust-version 1.85; the locked crates need more), Go >= 1.24 and Node.
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }:
    let
      # libclientcache is an ELF shared object; the flake targets Linux.
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f:
        builtins.listToAttrs (map (system: { name = system; value = f system; }) systems);

      version = (builtins.fromTOML (builtins.readFile ./rust/Cargo.toml)).workspace.package.version;
      # The shared library's SONAME is libclientcache.so.<major>, as `make
      # install` sets it (mk/rust.mk).
      major = builtins.head (builtins.splitVersion version);

      # The repository without build output (a git checkout already leaves
      # out ignored files; this also covers `path:` flake references).
      root = toString ./.;
      relative = path:
        builtins.substring (builtins.stringLength root + 1) (builtins.stringLength (toString path)) (toString path);
      buildOutput = [ "rust/target" "bindings/node/node_modules" "bindings/node/build" "build" ".tmp" ".git" ];
      srcName = "clientcache-source";
      src = builtins.path {
        name = srcName;
        path = ./.;
        filter = path: type:
          let rel = relative path; in
          !(builtins.elem rel buildOutput || builtins.match "(bazel-.*|result.*)" rel != null);
      };

      # buildGoModule's vendorHash of each Go module (nix/go-vendor-hash.nix).
      # `make test-nix` recomputes them and fails when one is stale.
      goVendorHash = import ./nix/go-vendor-hash.nix;

      perSystem = system:
        let
          pkgs = nixpkgs.legacyPackages.${system};

          # moto's S3-compatible server: the suites' round-trip tests run
          # against it on 127.0.0.1 (scripts/with-s3-server.sh runs
          # `python3 -m moto.server` from this python and installs nothing).
          s3Server = pkgs.python3.withPackages (ps:
            [ ps.moto ] ++ (ps.moto.optional-dependencies.server or [ ps.flask ps.flask-cors ]));

          # Round-trip tests must fail, not skip, when the server is missing.
          suiteEnv = { CLIENTCACHE_REQUIRE_S3 = "1"; };

          # The C library: libclientcache.so and .a (crate clientcache-ffi),
          # the cbindgen header and the pkg-config file, as `make install`
          # lays them out: lib/libclientcache.so.<version> with the SONAME
          # libclientcache.so.<major> and the two links, lib/libclientcache.a,
          # include/clientcache.h, lib/pkgconfig/clientcache.pc (the fixup
          # phase strips debug information, as `make install` does).
          libclientcache = pkgs.rustPlatform.buildRustPackage {
            pname = "libclientcache";
            inherit version src;
            cargoLock.lockFile = ./rust/Cargo.lock;
            cargoRoot = "rust";
            buildAndTestSubdir = "rust";
            cargoBuildFlags = [ "--package" "clientcache-ffi" ];
            # The core's and the C ABI's own tests; the whole workspace
            # (with the S3 round trips) is checks.rust.
            cargoTestFlags = [ "--package" "clientcache" "--package" "clientcache-ffi" ];
            nativeBuildInputs = [ pkgs.cbindgen pkgs.patchelf ];
            postInstall = ''
              # cargoInstallHook has copied the cdylib and the staticlib.
              test -f $out/lib/libclientcache.so
              test -f $out/lib/libclientcache.a
              # As `make install` lays the shared library out (mk/rust.mk).
              mv $out/lib/libclientcache.so $out/lib/libclientcache.so.${version}
              patchelf --set-soname libclientcache.so.${major} $out/lib/libclientcache.so.${version}
              ln -s libclientcache.so.${version} $out/lib/libclientcache.so.${major}
              ln -s libclientcache.so.${major} $out/lib/libclientcache.so
              mkdir -p $out/include $out/lib/pkgconfig
              # As `make header` runs it (mk/rust.mk).
              (cd rust && cbindgen --quiet --config ffi/cbindgen.toml --crate clientcache-ffi ffi \
                --output $out/include/clientcache.h)
              substitute clientcache.pc.in $out/lib/pkgconfig/clientcache.pc \
                --replace-fail @PREFIX@ $out --replace-fail @VERSION@ ${version}
            '';
            meta = {
              description = "C ABI of clientcache (libclientcache.so, libclientcache.a, clientcache.h, clientcache.pc)";
              license = pkgs.lib.licenses.asl20;
              platforms = pkgs.lib.platforms.linux;
            };
          };

          # The Go binding, module bindings/go (no dependencies: nothing to
          # vendor), compiled against the library above through pkg-config,
          # its default link (link_pkgconfig.go); its checkPhase runs go vet
          # and go test -race, as `make test-go` does for this module.
          clientcache-go = pkgs.buildGoModule {
            pname = "clientcache-go";
            inherit version src;
            modRoot = "bindings/go";
            vendorHash = goVendorHash.core;
            nativeBuildInputs = [ pkgs.pkg-config ];
            buildInputs = [ libclientcache ];
            env = suiteEnv;
            checkPhase = ''
              runHook preCheck
              go vet ./...
              go test -race -count=1 ./...
              runHook postCheck
            '';
          };

          # awscache, module bindings/go/awscache (over aws-sdk-go-v2), which
          # takes the module above from ../ (a `replace` directive). With
          # proxyVendor the fixed output is Go's download cache of its
          # dependencies only: a vendor folder would also hold a copy of ../,
          # and its hash would change with every edit of the binding. The
          # checkPhase runs go vet and go test -race against the S3 test
          # server, as `make test-go` does for this module.
          clientcache-go-awscache = pkgs.buildGoModule {
            pname = "clientcache-go-awscache";
            inherit version src;
            modRoot = "bindings/go/awscache";
            proxyVendor = true;
            vendorHash = goVendorHash.awscache;
            nativeBuildInputs = [ pkgs.pkg-config ];
            buildInputs = [ libclientcache ];
            nativeCheckInputs = [ s3Server ];
            env = suiteEnv;
            postPatch = "patchShebangs scripts";
            checkPhase = ''
              runHook preCheck
              go vet ./...
              bash ../../../scripts/with-s3-server.sh go test -race -count=1 ./...
              runHook postCheck
            '';
          };

          # The npm package with its Node-API addon, built by node-gyp (shipped
          # with nixpkgs' npm, headers from nixpkgs' nodejs: nothing is
          # downloaded) against the library above, found through
          # CLIENTCACHE_LIB_DIR / CLIENTCACHE_INCLUDE_DIR (scripts/paths.js)
          # and linked shared, with a RUNPATH into its store path (the
          # package's default link). The SDK packages are optional peers,
          # resolved from the application. Its check runs every test file
          # whose code does not require an @aws-sdk package; the S3 round
          # trips (test/aws.test.js needs @aws-sdk/client-s3) are left out
          # (docs/building.md, "Nix", lists the tests that still load the SDK
          # at run time): bindings/node/package-lock.json
          # records no tarball URLs (omit-lockfile-registry-resolved, .npmrc),
          # and nixpkgs' npm fetchers (importNpmLock, fetchNpmDeps) need them.
          # A lockfile with URLs would allow `npmDeps = pkgs.importNpmLock
          # { npmRoot = ./bindings/node; }` with pkgs.buildNpmPackage instead.
          clientcache-node = pkgs.stdenv.mkDerivation {
            pname = "clientcache-node";
            inherit version src;
            sourceRoot = "${srcName}/bindings/node";
            nativeBuildInputs = [ pkgs.nodejs pkgs.python3 ];
            env = {
              CLIENTCACHE_LIB_DIR = "${libclientcache}/lib";
              CLIENTCACHE_INCLUDE_DIR = "${libclientcache}/include";
              # Nix gives a builder a terminal as stdout; `node --test` would
              # then force colours into the test processes and the programs
              # they run, whose output some tests compare exactly.
              FORCE_COLOR = "0";
            };
            dontConfigure = true;
            buildPhase = ''
              runHook preBuild
              export HOME=$TMPDIR
              node scripts/build.js
              runHook postBuild
            '';
            doCheck = true;
            checkPhase = ''
              runHook preCheck
              tests=$(grep -L "require('@aws-sdk/" test/*.test.js)
              echo "node --test $tests"
              node --test $tests
              runHook postCheck
            '';
            installPhase = ''
              runHook preInstall
              dest=$out/lib/node_modules/clientcache
              mkdir -p $dest/build/Release
              cp -r package.json index.js index.mjs index.d.ts index.d.mts lib $dest/
              cp build/Release/clientcache.node $dest/build/Release/
              runHook postInstall
            '';
          };

          # A suite that only runs tests: it succeeds with an empty output.
          suite = name: args:
            pkgs.stdenv.mkDerivation ({
              pname = "clientcache-${name}-suite";
              inherit version src;
              dontConfigure = true;
              doCheck = true;
              installPhase = "mkdir -p $out";
            } // args);
        in
        {
          packages = {
            default = libclientcache;
            inherit libclientcache clientcache-go clientcache-go-awscache clientcache-node;
          };

          checks = {
            inherit libclientcache clientcache-go clientcache-go-awscache clientcache-node;

            # The installed header is what cbindgen generates from rust/ffi;
            # the committed include/clientcache.h must match it.
            header = pkgs.runCommand "clientcache-header-fresh" { } ''
              diff -u ${src}/include/clientcache.h ${libclientcache}/include/clientcache.h
              mkdir -p $out
            '';

            # The whole Cargo workspace's tests (core, C ABI, aws), with the
            # S3 round trips.
            rust = pkgs.rustPlatform.buildRustPackage {
              pname = "clientcache-rust-suite";
              inherit version src;
              cargoLock.lockFile = ./rust/Cargo.lock;
              cargoRoot = "rust";
              buildAndTestSubdir = "rust";
              cargoBuildFlags = [ "--workspace" ];
              nativeCheckInputs = [ s3Server ];
              env = suiteEnv;
              postPatch = "patchShebangs scripts";
              checkPhase = ''
                runHook preCheck
                (cd rust && bash ../scripts/with-s3-server.sh cargo test --workspace --locked --release)
                runHook postCheck
              '';
              installPhase = "mkdir -p $out";
            };

            # The C suite, compiled with the flags of mk/c.mk against the
            # installed library (found through pkg-config), then run plain and
            # under valgrind memcheck, as `make test-c` does.
            c = suite "c" {
              nativeBuildInputs = [ pkgs.pkg-config pkgs.valgrind ];
              buildInputs = [ libclientcache ];
              buildPhase = ''
                runHook preBuild
                $CC -std=c11 -Wall -Wextra -Werror -Wpedantic -O2 -g -pthread \
                  $(pkg-config --cflags clientcache) tests/c/*.c \
                  $(pkg-config --libs clientcache) -pthread -o c_suite
                runHook postBuild
              '';
              checkPhase = ''
                runHook preCheck
                export CLIENTCACHE_VECTORS=$PWD/tests/vectors/keys.json
                ./c_suite
                CLIENTCACHE_C_SLOW=1 valgrind --error-exitcode=1 --leak-check=full \
                  --errors-for-leak-kinds=definite --show-leak-kinds=definite ./c_suite
                runHook postCheck
              '';
            };
          };

          # Every tool the Makefile and the Bazel files use.
          devShells.default = pkgs.mkShell {
            packages = [
              pkgs.cargo
              pkgs.rustc
              pkgs.clippy
              pkgs.rustfmt
              pkgs.cbindgen
              pkgs.gcc
              pkgs.gnumake
              pkgs.pkg-config
              pkgs.patchelf # make install
              pkgs.valgrind
              pkgs.go
              pkgs.nodejs
              s3Server # python3 with moto (scripts/with-s3-server.sh)
              pkgs.bazel_7
              pkgs.git
            ];
          };
        };

      outputsBySystem = forAllSystems perSystem;
      pick = name: builtins.mapAttrs (_: outputs: outputs.${name}) outputsBySystem;
    in
    {
      packages = pick "packages";
      checks = pick "checks";
      devShells = pick "devShells";

      # `nixpkgs.overlays = [ clientcache.overlays.default ]` adds pkgs.libclientcache.
      overlays.default = final: prev: {
        libclientcache = self.packages.${prev.stdenv.hostPlatform.system}.libclientcache;
      };
    };
}
