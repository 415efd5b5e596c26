#!/bin/sh
# Prints the first python3 that imports moto (with its server extras) and
# boto3: the PATH's, else a pyenv one.  moto is not a Debian package, so
# this is not make test's python.  Exit 1, naming what is missing, if none.
for p in python3 "$HOME/.pyenv/shims/python3" /root/.pyenv/versions/*/bin/python3 \
         /usr/local/bin/python3; do
  if command -v "$p" >/dev/null 2>&1 &&
     "$p" -c 'import moto, moto.server, boto3' >/dev/null 2>&1; then
    command -v "$p"
    exit 0
  fi
done
echo "find-moto-python: no python3 here imports moto, moto.server and boto3" \
     "(pip install 'moto[server]' boto3, or set MOTO_PYTHON)" >&2
exit 1
