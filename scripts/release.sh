#!/usr/bin/env bash
# Build release binaries: static (CGO off) linux/amd64 and linux/arm64,
# stamped with version, commit and build date, with SHA-256 checksums, and
# smoke-run every binary this machine can execute.
#
#   scripts/release.sh [VERSION]      # default: git describe --tags --always --dirty
#   OUT=/tmp/dist scripts/release.sh  # output directory (default dist/)
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=${1:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
COMMIT=$(git rev-parse HEAD 2>/dev/null || echo unknown)
# The commit's date, not the clock's, so rebuilding a commit gives the same bytes.
DATE=$(git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)
OUT=${OUT:-dist}
TARGETS=${TARGETS:-"linux/amd64 linux/arm64"}
PKG=github.com/dealscout/dealscout/cmd

case "$VERSION" in
  *[!A-Za-z0-9._+-]*) echo "release.sh: VERSION may hold only letters, digits and . _ + - (got '$VERSION')" >&2; exit 2 ;;
esac

rm -rf "$OUT"
mkdir -p "$OUT"
export TZ=UTC
for target in $TARGETS; do
  os=${target%/*} arch=${target#*/}
  bin="$OUT/dealscout-$VERSION-$os-$arch"
  echo "building $bin"
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -buildvcs=false \
    -ldflags "-s -w -X $PKG.version=$VERSION -X $PKG.commit=$COMMIT -X $PKG.date=$DATE" \
    -o "$bin" .
done

(cd "$OUT" && sha256sum dealscout-* > SHA256SUMS && sha256sum -c --quiet SHA256SUMS)

host="$(go env GOHOSTOS)/$(go env GOHOSTARCH)"
smoked=0
for target in $TARGETS; do
  bin="$OUT/dealscout-$VERSION-${target%/*}-${target#*/}"
  if file "$bin" 2>/dev/null | grep -q 'dynamically linked'; then
    echo "release.sh: $bin is dynamically linked; a release must be static" >&2; exit 1
  fi
  if [ "$target" != "$host" ]; then
    echo "not run here ($target on a $host machine): $bin"
    continue
  fi
  # Smoke run: the stamp, --version, and a real command on a scratch database.
  got=$("$bin" version)
  echo "$got"
  want="dealscout $VERSION (commit $COMMIT, built $DATE,"
  case "$got" in "$want"*) ;; *) echo "release.sh: $bin version printed '$got', want '$want …'" >&2; exit 1 ;; esac
  [ "$("$bin" --version)" = "$got" ] || { echo "release.sh: --version differs from version" >&2; exit 1; }
  scratch=$(mktemp -d)
  "$bin" --db "$scratch/smoke.db" --log-level warn migrate up >/dev/null
  "$bin" --db "$scratch/smoke.db" --log-level warn migrate status >/dev/null
  "$bin" --db "$scratch/smoke.db" --log-level warn backup "$scratch/smoke-backup.db"
  rm -rf "$scratch"
  smoked=$((smoked + 1))
done
[ "$smoked" -gt 0 ] || echo "WARNING: no binary could run on this $host machine; none was smoke-tested"

echo
ls -l "$OUT"
cat "$OUT/SHA256SUMS"
