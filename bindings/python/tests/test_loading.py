"""Finding libclientcache: CLIENTCACHE_LIB, CLIENTCACHE_LIB_DIR, pkg-config,
the standard loader; and a clear ImportError when it is nowhere."""
import os
import subprocess
import sys

import clientcache


def run(env_changes):
    env = {k: v for k, v in os.environ.items() if k not in ("CLIENTCACHE_LIB", "CLIENTCACHE_LIB_DIR")}
    env.update(env_changes)
    return subprocess.run([sys.executable, "-c", "import clientcache; print(clientcache.library_path)"],
                          capture_output=True, text=True, env=env, timeout=120)


def test_clientcache_lib_names_the_file():
    out = run({"CLIENTCACHE_LIB": clientcache.library_path})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == clientcache.library_path


def test_clientcache_lib_dir_names_the_directory():
    path = os.path.realpath(clientcache.library_path)
    out = run({"CLIENTCACHE_LIB_DIR": os.path.dirname(path)})
    assert out.returncode == 0, out.stderr
    assert os.path.realpath(out.stdout.strip()) == path


def test_missing_library_is_a_clear_import_error():
    out = run({"CLIENTCACHE_LIB": "/nonexistent/libclientcache.so", "PKG_CONFIG_PATH": "/nonexistent"})
    assert out.returncode != 0
    assert "ImportError" in out.stderr
    assert "cannot load the libclientcache shared library" in out.stderr
    assert "CLIENTCACHE_LIB" in out.stderr and "make lib" in out.stderr
