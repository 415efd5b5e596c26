#!/usr/bin/env bash
# Installs the Debian packages iatk needs to build and test.  As root it runs
# apt-get; otherwise it prints the exact command to run and fails.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libjansson-dev libpcre2-dev
  # The AWS request layer (HTTP, SigV4, config files, STS's XML answers)
  # and the registry server.
  libcurl4-openssl-dev libssl-dev libinih-dev libxml2-dev libmicrohttpd-dev
  # CloudFormation / SAM templates in YAML (iatk registry import).
  libyaml-dev
  libcmocka-dev
  # `iatk invoke --handler --runtime nodejs` runs Lambda handlers locally
  # with the system's node.
  nodejs
  python3 python3-jsonschema python3-pytest
  json-schema-test-suite
  # python3-jsonschema checks these formats only with the packages it
  # recommends; we install with --no-install-recommends, so name them.
  python3-rfc3987 python3-idna python3-json-pointer python3-uritemplate
  python3-webcolors
  # Real counterparts of the AWS layer: botocore's signer judges SigV4, the
  # AWS CLI talks to `iatk registry serve`, wrk loads it (make bench).
  python3-botocore awscli wrk
  # make bench: instructions per event under callgrind.  npm (below) installs
  # the peers it measures iatk against (bench/peers/package-lock.json).
  valgrind
  # The fuzz targets (make test-fuzz, make fuzz): clang, and libFuzzer with
  # the sanitizer runtimes, which clang-14 only recommends.
  clang clang-14 libclang-rt-14-dev
  # tests/arch/check_format.sh: the C sources follow .clang-format.
  clang-format-14
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm by its command: a nodejs built elsewhere (NodeSource's) carries its own
# npm and conflicts with Debian's package.
command -v npm >/dev/null || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "iatk: missing Debian packages; run as root:" >&2
  echo "  apt-get update && $cmd" >&2
  exit 1
fi
echo "iatk: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
$cmd
