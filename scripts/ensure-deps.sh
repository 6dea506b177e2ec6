# Sourced by the set-up scripts: makes sure the C libraries the engine links (libuv, lz4, zlib)
# and pkg-config are installed. As root it installs them with apt-get; otherwise it says
# what to run and exits 1.
if ! pkg-config --exists libuv liblz4 zlib 2>/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing libuv1-dev liblz4-dev zlib1g-dev pkg-config (apt-get)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq libuv1-dev liblz4-dev zlib1g-dev pkg-config >/dev/null
  else
    echo "missing libuv1-dev liblz4-dev zlib1g-dev: run 'sudo apt-get install -y libuv1-dev liblz4-dev zlib1g-dev pkg-config'" >&2
    exit 1
  fi
fi
