# Sourced by .ci/run (`. .ci/ensure-go.sh`): puts a Go >= 1.24 on PATH for the cluster suite, which
# builds kube-apiserver v1.34 from source (test/cluster/). The polyglot machine ships Go in
# /usr/local/go. Elsewhere, Debian's golang-go (1.19 on bookworm: too old to build Kubernetes 1.34,
# and too old to switch toolchains by itself) is installed only to fetch the official toolchain,
# which is published as the Go module golang.org/toolchain on the Go module proxy.

NETPOL_GO_TOOLCHAIN="${NETPOL_GO_TOOLCHAIN:-1.24.13}"
NETPOL_GO_SYSTEM_DIR="${NETPOL_GO_SYSTEM_DIR:-/usr/local/go}"

netpol_go_recent() {
  command -v go >/dev/null 2>&1 && go version | grep -Eq ' go1\.(2[4-9]|[3-9][0-9])'
}

if ! netpol_go_recent && [ -x "$NETPOL_GO_SYSTEM_DIR/bin/go" ]; then
  export PATH="$NETPOL_GO_SYSTEM_DIR/bin:$PATH"
fi
if ! netpol_go_recent; then
  if ! command -v go >/dev/null 2>&1; then
    echo "Go not found: installing Debian's golang-go to fetch Go $NETPOL_GO_TOOLCHAIN"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends golang-go ca-certificates
  fi
  netpol_go_module="golang.org/toolchain@v0.0.1-go${NETPOL_GO_TOOLCHAIN}.$(go env GOOS)-$(go env GOARCH)"
  netpol_go_dir="$(cd /tmp && GOTOOLCHAIN=local GOFLAGS=-modcacherw go mod download -json "$netpol_go_module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  if [ -z "$netpol_go_dir" ] || [ ! -f "$netpol_go_dir/bin/go" ]; then
    echo "could not fetch $netpol_go_module" >&2
    false
  fi
  # module zips carry no file modes
  chmod +x "$netpol_go_dir"/bin/* "$netpol_go_dir"/pkg/tool/*/*
  export PATH="$netpol_go_dir/bin:$PATH"
fi
go version
