#!/usr/bin/env bash
# `iatk generate -o FILE` writes atomically: on success FILE holds exactly
# what stdout would have; on any failure (bad schema, a context failing in
# the middle of a run, a signal) FILE is left as it was — absent or with its
# old content — and no FILE.tmp-* file is left behind.  Special targets (a
# FIFO, a symlink) are written through, not replaced.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" atomic
cd "$tmp" || exit 2
NOW=2023-10-18T21:08:04.782196-07:00

# Leftover temporary files next to a target.
leftovers() { compgen -G "$1.tmp-*" || true; }

cat >seed.json <<'EOF'
{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {},
 "components": {"schemas": {"MyEvent": {"type": "object", "properties": {
   "customerId": {"type": "string"},
   "datetime": {"type": "string", "format": "date-time"},
   "orderItems": {"type": "array", "items": {"type": "object", "properties": {
     "sku": {"type": "string"}, "count": {"type": "integer"}}}}}}}}}
EOF
cat >cycle.json <<'EOF'
{"type": "object", "required": ["self"], "properties": {"self": {"$ref": "#"}}}
EOF
# Big events (each more than a stdio buffer) with an optional member, so a
# --set through that member fails for some events and not for others.
cat >padded.json <<'EOF'
{"type": "object", "required": ["pad"], "properties": {
  "pad": {"type": "string", "minLength": 20000, "maxLength": 20000},
  "flag": {"type": "string"}}}
EOF
gen=(generate --file seed.json --event-ref MyEvent --now "$NOW")

# --------------------------------------------------------------- success
"$IATK" "${gen[@]}" --count 3 >expected.json 2>/dev/null
"$IATK" "${gen[@]}" --count 3 -o out.json >stdout.txt 2>stderr.txt
rc=$?
if [[ $rc -ne 0 ]]; then
    fail "-o out.json: exit $rc: $(cat stderr.txt)"
elif ! cmp -s expected.json out.json; then
    fail "-o out.json: the file differs from what stdout shows"
elif [[ -s stdout.txt || -s stderr.txt ]]; then
    fail "-o out.json: something was printed: $(cat stdout.txt stderr.txt)"
elif [[ -n $(leftovers out.json) ]]; then
    fail "-o out.json: leftovers: $(leftovers out.json)"
else
    ok "-o FILE holds the events, nothing printed, no leftovers"
fi

"$IATK" "${gen[@]}" -o - >dash.json 2>stderr.txt
if [[ $? -ne 0 || ! -s dash.json || -e ./- ]]; then
    fail "-o - should write to standard output"
else
    ok "-o - writes to standard output"
fi

# A new file gets the usual permissions (0666 & ~umask), not mkstemp's 0600.
(umask 022 && "$IATK" "${gen[@]}" -o perm.json 2>/dev/null)
mode=$(stat -c %a perm.json 2>/dev/null)
if [[ $mode != 644 ]]; then
    fail "-o new file: mode $mode under umask 022, expected 644"
else
    ok "-o new file: mode 644 under umask 022"
fi

# Overwriting keeps the file's permissions.
echo old >kept.json
chmod 640 kept.json
"$IATK" "${gen[@]}" -o kept.json 2>/dev/null
mode=$(stat -c %a kept.json)
if ! cmp -s kept.json <(head -n 1 expected.json); then
    fail "-o existing file: not replaced by the event"
elif [[ $mode != 640 ]]; then
    fail "-o existing file: mode changed from 640 to $mode"
else
    ok "-o existing file: replaced, mode 640 kept"
fi

# --------------------------------------------------------------- failures

# check_untouched NAME FILE EXPECTED_CONTENT_FILE|"" RC STDOUT STDERR
check_untouched() {
    local name=$1 file=$2 want=$3 rc=$4 out=$5 err=$6 bad=0
    if [[ $rc -eq 0 || $rc -ge 128 ]]; then
        fail "$name: exit status $rc, expected a clean error"
        bad=1
    fi
    if [[ -n $want ]] && ! cmp -s "$file" "$want"; then
        fail "$name: $file was changed"
        bad=1
    elif [[ -z $want && -e $file ]]; then
        fail "$name: $file was created ($(wc -c <"$file") bytes)"
        bad=1
    fi
    if [[ -n $(leftovers "$file") ]]; then
        fail "$name: leftovers: $(leftovers "$file")"
        bad=1
    fi
    if [[ -s $out ]]; then
        fail "$name: stdout is not empty"
        bad=1
    fi
    if [[ $(wc -l <"$err") -ne 1 ]] || ! grep -q '^iatk: error: ' "$err"; then
        fail "$name: stderr is not one 'iatk: error: ' line: $(head -c 300 "$err")"
        bad=1
    fi
    ((bad)) || ok "$name: clean error (exit $rc), $file untouched, no leftovers"
}

echo "old content" >old.json
cp old.json old.orig
"$IATK" generate --file cycle.json -o old.json >stdout.txt 2>stderr.txt
check_untouched "compile error, existing file" old.json old.orig $? stdout.txt stderr.txt

"$IATK" generate --file cycle.json -o new.json >stdout.txt 2>stderr.txt
check_untouched "compile error, new file" new.json "" $? stdout.txt stderr.txt

"$IATK" "${gen[@]}" -o missing-dir/out.json >stdout.txt 2>stderr.txt
check_untouched "missing directory" missing-dir/out.json "" $? stdout.txt stderr.txt

# A context that fails in the middle of a run, after events were written:
# find an index whose event succeeds and whose next event fails.
padded=(generate --file padded.json --mode random --seed 5 --set '/flag/x=1')
start=""
for i in $(seq 0 200); do
    if "$IATK" "${padded[@]}" --start "$i" >/dev/null 2>&1 &&
        ! "$IATK" "${padded[@]}" --start $((i + 1)) >/dev/null 2>&1; then
        start=$i
        break
    fi
done
if [[ -z $start ]]; then
    fail "mid-run failure: found no index to start at (random mode changed?)"
else
    "$IATK" "${padded[@]}" --start "$start" --count 1000 -o old.json >stdout.txt 2>stderr.txt
    check_untouched "context failing after event $start was written, existing file" \
        old.json old.orig $? stdout.txt stderr.txt
    "$IATK" "${padded[@]}" --start "$start" --count 1000 -o mid.json >stdout.txt 2>stderr.txt
    check_untouched "context failing after event $start was written, new file" \
        mid.json "" $? stdout.txt stderr.txt
fi

# A signal in the middle of a long run: TERM and INT leave neither the file
# nor a temporary behind; KILL cannot clean up, but never leaves FILE.
for sig in TERM INT KILL; do
    target=sig-$sig.json
    # A background job ignores SIGINT in a non-interactive shell: undo that.
    (trap - INT; exec "$IATK" "${gen[@]}" --count 100000000 -o "$target" 2>stderr.txt) &
    pid=$!
    for _ in $(seq 1 50); do
        [[ -n $(leftovers "$target") ]] && break
        sleep 0.02
    done
    sleep 0.2
    kill -"$sig" "$pid" 2>/dev/null
    { wait "$pid"; } 2>/dev/null
    rc=$?
    if [[ -e $target ]]; then
        fail "SIG$sig during the run: $target exists ($(wc -c <"$target") bytes)"
    elif [[ $sig != KILL && -n $(leftovers "$target") ]]; then
        fail "SIG$sig during the run: leftover $(leftovers "$target") ($(du -h "$(leftovers "$target" | head -n 1)" | cut -f1))"
    else
        ok "SIG$sig during the run (exit $rc): no $target$([[ $sig == KILL ]] || echo ", no leftovers")"
    fi
    rm -f "$target" "$target".tmp-*
done

# ------------------------------------------------------ special targets

# A FIFO is written through (a reader gets the events), not replaced.
mkfifo fifo
timeout 10 cat fifo >from-fifo.json &
reader=$!
timeout 10 "$IATK" "${gen[@]}" -o fifo 2>stderr.txt
rc=$?
wait "$reader"
if [[ ! -p fifo ]]; then
    fail "-o FIFO: the FIFO was replaced by a regular file (exit $rc)"
elif [[ $rc -ne 0 ]] || ! cmp -s from-fifo.json <(head -n 1 expected.json); then
    fail "-o FIFO: the reader did not get the event (exit $rc): $(cat stderr.txt)"
else
    ok "-o FIFO: written through"
fi
rm -f fifo fifo.tmp-*

# A symlink is followed: its target gets the events, the link stays.
echo old >target.json
ln -s target.json link.json
"$IATK" "${gen[@]}" -o link.json 2>stderr.txt
rc=$?
if [[ ! -L link.json ]]; then
    fail "-o symlink: the symlink was replaced by a regular file (exit $rc)"
elif ! cmp -s target.json <(head -n 1 expected.json); then
    fail "-o symlink: the target did not get the event (exit $rc)"
else
    ok "-o symlink: written through to its target"
fi

if ((failures)); then
    echo "$failures failure(s)"
    exit 1
fi
echo "all passed"
