"""examples/readme.py (the README's Python example) and demo.py (the Python
part of `make demo`) run and say what they claim."""
import subprocess
import sys
from pathlib import Path

from conftest import load_vectors

HERE = Path(__file__).resolve().parents[1]


def run(path):
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300, cwd=HERE)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def test_readme_example():
    assert run(HERE / "examples" / "readme.py") == [
        "True",
        's3(aws_access_key_id=***, aws_secret_access_key=***, region_name="us-west-2")',
        "bf992e455d517b9cfd3b0e77a8774514",
        "S3",
        "ClientCacheExistsError EXISTS",
        "ClientCacheNotFoundError NOT_FOUND",
        "2 1 True",
    ]


def test_demo_reports_the_demo_key():
    demo = next(v for v in load_vectors("keys.json")["vectors"] if v["name"] == "demo key")
    lines = run(HERE / "demo.py")
    assert f"  fingerprint:  {demo['fingerprint']}" in lines
    assert f"  label:        {demo['label']}" in lines
    text = "\n".join(lines)
    assert "wJalrXUtnFEMI" not in text
    assert "NO" not in text.split() and "YES (bug)" not in text
