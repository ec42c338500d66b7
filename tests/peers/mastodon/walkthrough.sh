#!/usr/bin/env bash
# Verified curl walk-through against a freshly started mastodon-mock peer.
# Starts start.py itself, runs every step, prints status + body, stops it.
#   ./walkthrough.sh            # apps, OAuth code flow, media, statuses, faults
#   ./walkthrough.sh ratelimit  # MASTODON_MOCK_RATELIMIT=3/60: the mock's own 429s
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode="${1:-all}"

work=$(mktemp -d /tmp/relais-masto-walk.XXXXXX)
fifo="$work/stdin"; mkfifo "$fifo"
exec 9<>"$fifo"
if [[ $mode == ratelimit ]]; then export MASTODON_MOCK_RATELIMIT=3/60; fi
RELAIS_PEER_DATA_DIR="$work/data" python3 "$here/start.py" <"$fifo" >"$work/out" 2>"$work/err" &
peer=$!
cleanup() { kill -TERM "$peer" 2>/dev/null || true; wait "$peer" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

t0=$(date +%s%N)
until grep -q '^READY ' "$work/out"; do
  kill -0 "$peer" 2>/dev/null || { cat "$work/err" >&2; exit 1; }
  sleep 0.05
done
echo "# READY after $(( ($(date +%s%N) - t0) / 1000000 )) ms (wall, incl. venv re-exec)"
ready=$(sed -n 's/^READY //p' "$work/out"); echo "$ready"
j() { python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d=d[int(k)] if isinstance(d,list) else d[k]
print(d if not isinstance(d,(dict,list)) else json.dumps(d))' "$1"; }
B=$(j base <<<"$ready")
echo "# RSS: $(awk '/VmRSS/{print $2, $3}' /proc/$(j pid <<<"$ready")/status)"

# call METHOD PATH [curl args...]: prints status (+ selected headers) + body
call() {
  local method=$1 p=$2; shift 2
  code=$(curl -s -o "$work/body" -D "$work/hdr" -w '%{http_code}' -X "$method" "$B$p" "$@")
  body=$(cat "$work/body")
  echo "## $method $p -> HTTP $code"
  tr -d '\r' <"$work/hdr" | grep -i -E '^(location|x-ratelimit-[a-z]+|retry-after|content-type|idempotency-key):' || true
  echo "$body" | head -c "${MAXBODY:-1200}"; echo
}

if [[ $mode == ratelimit ]]; then
  for i in 1 2 3 4; do call GET /api/v1/accounts/verify_credentials -H 'authorization: Bearer mock_token' >/dev/null; echo "request $i -> $code"; done
  call GET /api/v1/accounts/verify_credentials -H 'authorization: Bearer mock_token'
  exit 0
fi

MAXBODY=4000 call GET /api/v2/instance

REDIRECT=http://127.0.0.1:9/relais-callback
call POST /api/v1/apps -F client_name=Relais -F "redirect_uris=$REDIRECT" -F 'scopes=read write' -F website=https://relais.invalid
CID=$(j client_id <<<"$body"); CSECRET=$(j client_secret <<<"$body")

VERIFIER=relais-test-verifier-0123456789abcdefghijklmnopqrstuvwxyz
CHALLENGE=$(printf %s "$VERIFIER" | openssl dgst -sha256 -binary | openssl base64 -A | tr '+/' '-_' | tr -d '=')
call GET "/oauth/authorize?client_id=$CID&redirect_uri=$REDIRECT&response_type=code&scope=read+write&state=st4te&code_challenge=$CHALLENGE&code_challenge_method=S256"
echo "# ^ an HTML account picker, not an auto-approve"

call POST /oauth/authorize --data-urlencode username=testuser --data-urlencode "redirect_uri=$REDIRECT" \
  --data-urlencode "client_id=$CID" --data-urlencode scope='read write' --data-urlencode state=st4te
CODE=$(tr -d '\r' <"$work/hdr" | sed -n 's/^[Ll]ocation: .*[?&]code=\([^&]*\).*/\1/p')
echo "# code from the redirect: $CODE"

call POST /oauth/token -F grant_type=authorization_code -F "code=$CODE" -F "client_id=$CID" \
  -F "client_secret=$CSECRET" -F "redirect_uri=$REDIRECT" -F code_verifier=WRONG-verifier
echo "# ^ a WRONG code_verifier is accepted: no PKCE check"
TOKEN=$(j access_token <<<"$body")

call POST /oauth/token -F grant_type=authorization_code -F "code=$CODE" -F client_id=nonsense
echo "# ^ same code again, unknown client_id, no secret: also accepted (codes are mockcode_<username>, reusable)"

call POST /oauth/token -F grant_type=client_credentials -F "client_id=$CID" -F "client_secret=$CSECRET" -F 'scope=read write'

call GET /api/v1/accounts/verify_credentials -H "authorization: Bearer $TOKEN"
call GET /api/v1/apps/verify_credentials -H "authorization: Bearer $TOKEN"
call GET /api/v1/accounts/verify_credentials -H "authorization: Bearer not-a-token"

python3 - "$work/tiny.png" <<'EOF'
import struct, sys, zlib
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
raw = b''.join(b'\x00' + b'\xff\x00\x00' * 4 for _ in range(4))
open(sys.argv[1], 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 4, 4, 8, 2, 0, 0, 0))
                              + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
EOF
call POST /api/v2/media -H "authorization: Bearer $TOKEN" -F "file=@$work/tiny.png;type=image/png" \
  -F 'description=a red square' -F 'focus=0.0,0.0'
MEDIA=$(j id <<<"$body"); MEDIA_URL=$(j url <<<"$body")
echo "# media file served back: HTTP $(curl -s -o /dev/null -w '%{http_code} %{content_type} %{size_download} bytes' "$MEDIA_URL")"

LONG_ALT=$(python3 -c 'print("x" * 2000)')
call POST /api/v2/media -H "authorization: Bearer $TOKEN" -F "file=@$work/tiny.png;type=image/png" -F "description=$LONG_ALT" -o /dev/null
echo "# ^ 2000-char description accepted (real Mastodon: 422 over 1500)"

KEY=relais-$(date +%s%N)
call POST /api/v1/statuses -H "authorization: Bearer $TOKEN" -H "Idempotency-Key: $KEY" \
  -F 'status=hello from relais' -F "media_ids[]=$MEDIA" -F visibility=public
S1=$(j id <<<"$body")
echo "# media_attachments of $S1: $(j media_attachments <<<"$body" | head -c 400)"
call POST /api/v1/statuses -H "authorization: Bearer $TOKEN" -H "Idempotency-Key: $KEY" \
  -F 'status=hello from relais' -F "media_ids[]=$MEDIA" -F visibility=public
S2=$(j id <<<"$body")
echo "# same Idempotency-Key twice: ids $S1 and $S2 -> $([[ $S1 == "$S2" ]] && echo SAME || echo DIFFERENT)"
call POST /api/v1/statuses -H "authorization: Bearer $TOKEN" -H "Idempotency-Key: $KEY" -F 'status=different text, same key'
echo "# ^ same key, different body: returns status $(j id <<<"$body") (the first one)"
call POST /api/v1/statuses -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d '{"status":"json body works too","visibility":"unlisted"}'
call POST /api/v1/statuses -H "authorization: Bearer $TOKEN" -F 'status='
call POST /api/v1/statuses -F 'status=no token'

call DELETE "/api/v1/statuses/$S1" -H "authorization: Bearer $TOKEN"
call GET "/api/v1/statuses/$S1" -H "authorization: Bearer $TOKEN"
call DELETE "/api/v1/statuses/$S1" -H "authorization: Bearer $TOKEN"

echo "# ---- fault injection (POST /api/v1/_mock/faults; first matching rule wins; count = budget)"
call POST /api/v1/_mock/faults -H 'content-type: application/json' \
  -d '{"match":{"methods":["POST"],"path":"/api/v1/statuses"},"effect":{"type":"ratelimit"},"count":1}'
call POST /api/v1/statuses -H "authorization: Bearer $TOKEN" -F 'status=hit the fault'
call POST /api/v1/statuses -H "authorization: Bearer $TOKEN" -F 'status=budget used up, goes through' -o /dev/null
call POST /api/v1/_mock/faults -H 'content-type: application/json' \
  -d '{"match":{"path":"/api/v2/media"},"effect":{"type":"status","status":503,"body":{"error":"down for a bit"},"headers":{"Retry-After":"7"}},"count":1}'
call POST /api/v2/media -H "authorization: Bearer $TOKEN" -F "file=@$work/tiny.png;type=image/png"
call POST /api/v1/_mock/faults -H 'content-type: application/json' \
  -d '{"match":{"path_regex":"^/api/v1/statuses/\\d+$"},"effect":{"type":"malformed"},"count":1}'
call GET "/api/v1/statuses/$S1"
call POST /api/v1/_mock/faults -H 'content-type: application/json' \
  -d '{"match":{"path":"/api/v2/instance"},"effect":{"type":"latency","delay_ms":700},"count":1}' >/dev/null
echo "## latency rule: GET /api/v2/instance took $(curl -s -o /dev/null -w '%{time_total}' "$B/api/v2/instance") s"
call POST /api/v1/_mock/faults -H 'content-type: application/json' \
  -d '{"match":{"path":"/api/v1/instance"},"effect":{"type":"timeout"},"count":1}' >/dev/null
echo "## timeout rule (holds >= 30 s): curl -m 2 GET /api/v1/instance -> exit $(curl -s -o /dev/null -m 2 "$B/api/v1/instance"; echo $?) (28 = timed out)"
call POST /api/v1/_mock/faults -H 'content-type: application/json' \
  -d '{"match":{"path":"/api/v1/timelines/*"},"effect":{"type":"status","status":500}}'
call GET /api/v1/_mock/faults
call DELETE /api/v1/_mock/faults
call GET /api/v1/timelines/home -H "authorization: Bearer $TOKEN" -o /dev/null
call POST /api/v1/_mock/faults -H 'content-type: application/json' -d '{"effect":{"type":"explode"}}'

echo "# peer memory after the walk-through: $(grep -E 'VmRSS|VmHWM' /proc/$(j pid <<<"$ready")/status | tr -s ' \t' ' ' | tr '\n' ' ')"
