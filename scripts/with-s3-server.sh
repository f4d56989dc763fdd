#!/usr/bin/env bash
# with-s3-server.sh CMD [ARGS...]
#
# Starts moto's S3-compatible server on 127.0.0.1 (a free port), exports
# CLIENTCACHE_TEST_S3_ENDPOINT=http://127.0.0.1:PORT plus dummy credentials,
# runs CMD, and always stops the server afterwards. Exit status is CMD's.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/ensure.sh" moto

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
log="$(mktemp -t moto-XXXXXX.log)"
python3 -m moto.server -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
server_pid=$!
cleanup() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -f "$log"; }
trap cleanup EXIT

for _ in $(seq 1 100); do
  if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/', timeout=1)" 2>/dev/null; then
    break
  fi
  kill -0 "$server_pid" 2>/dev/null || { echo "with-s3-server: the moto server exited:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.2
done

export CLIENTCACHE_TEST_S3_ENDPOINT="http://127.0.0.1:$port"
# The test server accepts any credentials; these are fixed dummies, and the
# real ones from the environment are never used against it.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
echo "with-s3-server: moto S3 server on $CLIENTCACHE_TEST_S3_ENDPOINT" >&2
set +e
"$@"
status=$?
exit "$status"
