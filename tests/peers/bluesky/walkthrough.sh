#!/usr/bin/env bash
# Verified curl walk-through against a freshly started Bluesky test peer.
# Starts start.mjs itself (TMPDIR under a mktemp dir), runs every step, prints
# each request's status and body, stops the peer. Needs curl and python3.
#   ./walkthrough.sh            # normal walk-through
#   ./walkthrough.sh ratelimit  # PDS_RATE_LIMITS_ENABLED=true, show a real 429
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode="${1:-all}"

work=$(mktemp -d /tmp/relais-bsky-walk.XXXXXX)
fifo="$work/stdin"; mkfifo "$fifo"
exec 9<>"$fifo"                      # held open: peer exits when we close it
if [[ $mode == ratelimit ]]; then export PDS_RATE_LIMITS_ENABLED=true; fi
TMPDIR="$work" node "$here/start.mjs" <"$fifo" >"$work/out" 2>"$work/err" &
peer=$!
cleanup() {
  kill -TERM "$peer" 2>/dev/null || true; wait "$peer" 2>/dev/null || true
  if [[ -n "${WALK_PEER_LOG:-}" ]]; then cp "$work/err" "$WALK_PEER_LOG"; fi   # peer's stderr
  rm -rf "$work"
}
trap cleanup EXIT

t0=$(date +%s%N)
until grep -q '^READY ' "$work/out"; do
  kill -0 "$peer" 2>/dev/null || { cat "$work/err" >&2; exit 1; }
  sleep 0.1
done
echo "# READY after $(( ($(date +%s%N) - t0) / 1000000 )) ms (wall, incl. node re-exec)"
ready=$(sed -n 's/^READY //p' "$work/out")
echo "$ready"
j() { python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d=d[int(k)] if isinstance(d,list) else d[k]
print(d if not isinstance(d,(dict,list)) else json.dumps(d))' "$1"; }
PDS=$(j pds <<<"$ready"); PLC=$(j plc <<<"$ready")
pid=$(j pid <<<"$ready")
echo "# RSS of the peer (node 22 process): $(awk '/VmRSS/{print $2, $3}' /proc/$pid/status)"

# call METHOD NAME [curl args...]: prints status + body, leaves body in $body
call() {
  local method=$1 name=$2; shift 2
  local out; out=$(curl -s -o "$work/body" -D "$work/hdr" -w '%{http_code}' -X "$method" "$PDS/xrpc/$name" "$@")
  code=$out; body=$(cat "$work/body")
  echo "## $method $name -> HTTP $code"
  echo "$body" | head -c 1500; echo
}

if [[ $mode == ratelimit ]]; then
  call POST com.atproto.server.createAccount -H 'content-type: application/json' \
    -d '{"handle":"alice.test","email":"alice@example.test","password":"alice-main-password"}'
  for i in $(seq 1 40); do
    code=$(curl -s -o "$work/body" -D "$work/hdr" -w '%{http_code}' -X POST "$PDS/xrpc/com.atproto.server.createSession" \
      -H 'content-type: application/json' -d '{"identifier":"alice.test","password":"alice-main-password"}')
    if [[ $code == 429 ]]; then
      echo "## createSession #$i -> HTTP 429"; tr -d '\r' <"$work/hdr"; cat "$work/body"; echo; exit 0
    fi
    if [[ $i == 1 ]]; then echo "## createSession #1 -> $code, headers:"; tr -d '\r' <"$work/hdr" | grep -i ratelimit; fi
  done
  echo "no 429 after 40 createSession calls"; exit 1
fi

call GET com.atproto.server.describeServer

call POST com.atproto.server.createAccount -H 'content-type: application/json' \
  -d '{"handle":"alice.test","email":"alice@example.test","password":"alice-main-password"}'
DID=$(j did <<<"$body"); ACCESS=$(j accessJwt <<<"$body")

call POST com.atproto.server.createAppPassword -H "authorization: Bearer $ACCESS" \
  -H 'content-type: application/json' -d '{"name":"relais-test"}'
APP_PW=$(j password <<<"$body")

call POST com.atproto.server.createSession -H 'content-type: application/json' \
  -d "{\"identifier\":\"alice.test\",\"password\":\"$APP_PW\"}"
ACCESS=$(j accessJwt <<<"$body"); REFRESH=$(j refreshJwt <<<"$body")

python3 - "$work/tiny.png" <<'EOF'
import struct, sys, zlib
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
raw = b''.join(b'\x00' + b'\xff\x00\x00' * 4 for _ in range(4))   # 4x4 red RGB
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 4, 4, 8, 2, 0, 0, 0)) \
    + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
open(sys.argv[1], 'wb').write(png)
EOF
call POST com.atproto.repo.uploadBlob -H "authorization: Bearer $ACCESS" \
  -H 'content-type: image/png' --data-binary @"$work/tiny.png"
BLOB=$(j blob <<<"$body")

# client-chosen TID rkey: 53 bits of microseconds, 10-bit clock id, base32-sortable
RKEY=$(python3 -c '
import time, random
a = "234567abcdefghijklmnopqrstuvwxyz"
v = (int(time.time() * 1e6) << 10) | random.randrange(1024)
print("".join(a[(v >> (5 * i)) & 31] for i in range(12, -1, -1)))')
NOW=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
RECORD="{\"repo\":\"$DID\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"$RKEY\",\"record\":{\"\$type\":\"app.bsky.feed.post\",\"text\":\"hello from relais\",\"createdAt\":\"$NOW\",\"embed\":{\"\$type\":\"app.bsky.embed.images\",\"images\":[{\"alt\":\"a red square\",\"image\":$BLOB,\"aspectRatio\":{\"width\":4,\"height\":4}}]}}}"
call POST com.atproto.repo.createRecord -H "authorization: Bearer $ACCESS" \
  -H 'content-type: application/json' -d "$RECORD"

call GET "com.atproto.repo.getRecord?repo=$DID&collection=app.bsky.feed.post&rkey=$RKEY"

call POST com.atproto.repo.createRecord -H "authorization: Bearer $ACCESS" \
  -H 'content-type: application/json' -d "$RECORD"
echo "# ^ createRecord again with the same rkey"

CID=$(j ref.\$link <<<"$BLOB")
code=$(curl -s -o "$work/blob" -D "$work/hdr" -w '%{http_code}' "$PDS/xrpc/com.atproto.sync.getBlob?did=$DID&cid=$CID")
echo "## GET com.atproto.sync.getBlob?did=$DID&cid=$CID -> HTTP $code, $(stat -c %s "$work/blob") bytes," \
  "same as uploaded: $(cmp -s "$work/blob" "$work/tiny.png" && echo yes || echo NO)," \
  "content-type: $(tr -d '\r' <"$work/hdr" | awk -F': ' 'tolower($1)=="content-type"{print $2}')"

call POST com.atproto.repo.deleteRecord -H "authorization: Bearer $ACCESS" \
  -H 'content-type: application/json' \
  -d "{\"repo\":\"$DID\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"$RKEY\"}"

call GET "com.atproto.repo.getRecord?repo=$DID&collection=app.bsky.feed.post&rkey=$RKEY"
echo "# ^ getRecord after delete"

call POST com.atproto.server.refreshSession -H "authorization: Bearer $REFRESH"
call POST com.atproto.server.refreshSession -H "authorization: Bearer $REFRESH"
echo "# ^ the same refresh token a second time"

call GET "com.atproto.identity.resolveHandle?handle=alice.test"

echo "## GET $PLC/$DID (DID document from the PLC server)"
curl -s "$PLC/$DID"; echo

call GET "app.bsky.actor.getProfile?actor=$DID" -H "authorization: Bearer $ACCESS"
echo "# ^ no AppView configured"

echo "# peer memory after the walk-through: $(grep -E 'VmRSS|VmHWM' /proc/$(j pid <<<"$ready")/status | tr -s ' \t' ' ' | tr '\n' ' ')"
