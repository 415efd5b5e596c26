#!/usr/bin/env bash
# `iatk: error:` lines quote what files and servers said; bytes a terminal
# would act on (ESC sequences, carriage returns, DEL) must arrive as \xNN,
# never raw.  Here through a file name and an AWS error body from a fake
# endpoint on loopback.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" error-escapes
cd "$tmp" || exit 2

check() {  # check WHAT STDERR-FILE
    if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$2"; then
        fail "$1: a control byte reached stderr: $(od -c "$2" | head -3)"
    elif ! grep -q '\\x1b\[31m' "$2"; then
        fail "$1: the escape is not shown as \\x1b: $(cat "$2")"
    else
        ok "$1: $(cat "$2")"
    fi
}

"$IATK" generate --file $'red-\e[31m-\r-name.json' 2>err1
check "a file name" err1

# An endpoint that answers every request with an AWS error whose message
# carries an escape sequence.
"$PYTHON" - "$tmp/port" <<'PY' &
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        body = json.dumps({"Code": "BadRequestException",
                           "Message": "bad \x1b[31mred\x1b[0m\r\x7f"}).encode()
        self.send_response(400)
        self.send_header("x-amzn-ErrorType", "BadRequestException")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(s.server_address[1]))
s.timeout = 20
s.handle_request()
PY
fake=$!
for _ in $(seq 100); do [[ -s $tmp/port ]] && break; sleep 0.05; done
AWS_ACCESS_KEY_ID=AKIDX AWS_SECRET_ACCESS_KEY=x AWS_EC2_METADATA_DISABLED=true \
    AWS_MAX_ATTEMPTS=1 IATK_CACHE_DIR= \
    timeout 30 "$IATK" registry list --source aws --region us-east-1 \
    --endpoint-url "http://127.0.0.1:$(cat "$tmp/port")" 2>err2
status=$?
wait "$fake"
[[ $status -eq 10 ]] || fail "AWS error: exit $status, not 10"
check "an AWS error body" err2

[[ $failures -eq 0 ]]
