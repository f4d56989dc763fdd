"""Shared fixtures. The environment is fixed before boto3 reads it: no real
AWS configuration or credentials are ever used, and the profiles that the
vectors name exist in a throwaway config file."""
import json
import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
VECTORS = REPO / "tests" / "vectors"

_aws_dir = Path(tempfile.mkdtemp(prefix="clientcache-py-aws-"))
(_aws_dir / "config").write_text(
    "[default]\nregion = us-east-1\n\n[profile dev]\nregion = us-west-2\n\n[profile test]\nregion = eu-west-1\n")
(_aws_dir / "credentials").write_text(
    "[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n\n"
    "[dev]\naws_access_key_id = testing\naws_secret_access_key = testing\n\n"
    "[test]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
os.environ["AWS_CONFIG_FILE"] = str(_aws_dir / "config")
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(_aws_dir / "credentials")
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
for _name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
    os.environ.pop(_name, None)
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")


def load_vectors(name):
    with open(VECTORS / name, encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(autouse=True)
def _fresh_default_session():
    """Each test starts without boto3 default session and with a fresh
    module-level caching session."""
    import boto3
    from clientcache import _session

    saved = boto3.DEFAULT_SESSION
    boto3.DEFAULT_SESSION = None
    _session._own_default[0] = None
    _session._views[0] = None
    yield
    boto3.DEFAULT_SESSION = saved
    _session._own_default[0] = None
    _session._views[0] = None


@pytest.fixture(scope="session")
def s3_clients():
    """A few real S3 clients (built once: a client costs milliseconds)."""
    import boto3

    return [boto3.client("s3", region_name=r) for r in ("us-east-1", "us-west-2", "eu-west-1")]


def pytest_report_header(config):
    import clientcache

    return [f"clientcache {clientcache.__version__} from {os.path.dirname(clientcache.__file__)}",
            f"libclientcache {clientcache.core_version} from {clientcache.library_path}"]
