# Sourced by the project's scripts: puts Node.js 24 LTS first on PATH. A machine whose node is
# older gets it from the npm registry's node binary package (node-linux-<arch>), unpacked once
# into $STACK_DIR/node; npm, npx and everything they run then use it.
NODE_VERSION="24.22.3"
# Node trusts only the certificate authorities it ships with, not the system's. Where the registry
# is reached through a proxy that the system trusts (its authority added to the system store), npm
# run by this node fails with SELF_SIGNED_CERT_IN_CHAIN on whatever its cache does not hold.
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r /etc/ssl/certs/ca-certificates.crt ]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi
_node_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_node_dir="${STACK_DIR:-$_node_root/.stack}/node"
_node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(_node_major node)" -lt 24 ]; then
  if [ ! -x "$_node_dir/bin/node" ] || [ "$("$_node_dir/bin/node" -v)" != "v$NODE_VERSION" ]; then
    case "$(uname -m)" in x86_64) _node_arch=x64 ;; aarch64) _node_arch=arm64 ;; *) echo "[node] no Node.js $NODE_VERSION package for $(uname -m)" >&2; return 1 ;; esac
    echo "[node] installing Node.js $NODE_VERSION from the npm registry (node-linux-$_node_arch)" >&2
    _node_tmp="$(mktemp -d)"
    (cd "$_node_tmp" && npm pack --silent "node-linux-$_node_arch@$NODE_VERSION" >/dev/null)
    rm -rf "$_node_dir" && mkdir -p "$_node_dir"
    tar -xzf "$_node_tmp"/node-linux-*.tgz -C "$_node_dir" --strip-components=1 package/bin/node package/LICENSE
    rm -rf "$_node_tmp"
  fi
  export PATH="$_node_dir/bin:$PATH"
fi
unset -f _node_major
