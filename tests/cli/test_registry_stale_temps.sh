#!/usr/bin/env bash
# Temporary directories of puts that died (kill -9 between writing the
# version and renaming it into place) are never listed, and a later put
# into the same schema removes them; the temporary directory of a put that
# is still running (here: stopped with SIGSTOP) is left alone, and that put
# completes normally once continued.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" stale-temps
cd "$tmp" || exit 2
T=$tmp/tree
r=(--registry-dir "$T")
schema_dir=$T/orders/Placed

printf '{"type": "object", "title": "small"}\n' >small.json
# Big enough that writing it takes a while, so a put can be caught with
# its temporary directory in place.
{ printf '{"type": "object", "description": "'; head -c 4M /dev/zero | tr '\0' x; printf '"}\n'; } >big.json

temps() { (cd "$schema_dir" && ls -d .tmp-* 2>/dev/null); }

# Starts `iatk registry put ... big.json` and sends it SIGNAL as soon as its
# temporary directory exists (retrying until the signal lands before the
# rename).  Prints "PID TEMP"; the put's stdout goes to OUT.
catch_put() {
    "$PYTHON" - "$1" "$2" "$schema_dir" "$IATK" registry put "${r[@]}" --registry orders --schema Placed big.json <<'EOF'
import os, signal, subprocess, sys
sig, out, schema_dir, cmd = getattr(signal, sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]

def temps():
    try:
        return {n for n in os.listdir(schema_dir) if n.startswith(".tmp-")}
    except FileNotFoundError:
        return set()

old = temps()
for attempt in range(50):
    with open(out, "w") as f:
        p = subprocess.Popen(cmd, stdout=f)
    seen = set()
    while p.poll() is None and not seen:
        seen = temps() - old
    if seen:
        os.kill(p.pid, sig)
        if sig == signal.SIGKILL:
            p.wait()
        if seen <= temps():  # still there: caught before the rename
            print(p.pid, seen.pop())
            sys.exit(0)
        os.kill(p.pid, signal.SIGCONT)
    p.wait()
sys.exit("could not catch a put with its temporary directory in place")
EOF
}

"$IATK" registry put "${r[@]}" --registry orders --schema Placed small.json >/dev/null ||
    fail "first put failed"

# ------------------------------- a live (stopped) writer is left alone
read -r live_pid live_tmp < <(catch_put SIGSTOP live.out) || fail "catching a put"
if [[ -z ${live_tmp:-} ]]; then
    fail "could not stop a put mid-way"
else
    "$IATK" registry put "${r[@]}" --registry orders --schema Placed small.json >/dev/null 2>err ||
        fail "a put next to a stopped writer failed: $(cat err)"
    if [[ -d $schema_dir/$live_tmp ]]; then
        ok "a put leaves a live writer's temporary directory alone"
    else
        fail "a put removed the temporary directory of a live (stopped) writer"
    fi
    kill -CONT "$live_pid"
    # Not our child (python started it): wait for it to go.
    while kill -0 "$live_pid" 2>/dev/null; do sleep 0.05; done
    v=$(cat live.out)
    if [[ -n $v ]] && "$IATK" registry show "${r[@]}" --registry orders --schema Placed \
        --schema-version "$v" 2>err | cmp -s - big.json; then
        ok "the stopped writer, continued, stored its version $v intact"
    else
        fail "the continued writer did not store its version (printed '$v'; $(cat err))"
    fi
fi

# ------------------------------------ a writer killed mid-way (kill -9)
read -r dead_pid dead_tmp < <(catch_put SIGKILL dead.out) || fail "catching a put"
if [[ -z ${dead_tmp:-} ]]; then
    fail "could not kill a put mid-way"
else
    if [[ -d $schema_dir/$dead_tmp ]]; then
        ok "kill -9 mid-put left $dead_tmp"
    else
        fail "no temporary directory after kill -9 mid-put"
    fi
    listed=$("$IATK" registry versions "${r[@]}" --registry orders --schema Placed | tr '\n' ' ')
    schemas=$("$IATK" registry list "${r[@]}" orders | tr '\n' ' ')
    if [[ $listed == *tmp* || $schemas != "Placed " ]]; then
        fail "listings show the leftover: versions [$listed], schemas [$schemas]"
    else
        ok "listings ignore the leftover (versions: $listed)"
    fi
    for v in $listed; do
        "$IATK" registry show "${r[@]}" --registry orders --schema Placed --schema-version "$v" >shown 2>err ||
            fail "version $v cannot be shown: $(cat err)"
        cmp -s shown big.json || cmp -s shown small.json || fail "version $v is neither document"
    done
    "$IATK" registry put "${r[@]}" --registry orders --schema Placed small.json >/dev/null 2>err ||
        fail "the put after kill -9 failed: $(cat err)"
    if [[ -e $schema_dir/$dead_tmp ]]; then
        fail "the next put did not remove the dead writer's $dead_tmp"
    else
        ok "the next put removed the dead writer's temporary directory"
    fi
fi

# ------------------------- leftovers whose writer cannot be asked (age)
# An older iatk's name, or a writer on another machine: only age tells.
mkdir "$schema_dir/.tmp-old001" "$schema_dir/.tmp-new001"
printf '{"ti' >"$schema_dir/.tmp-old001/schema.json"
touch -d '2 days ago' "$schema_dir/.tmp-old001"
"$IATK" registry put "${r[@]}" --registry orders --schema Placed small.json >/dev/null 2>err ||
    fail "put failed: $(cat err)"
if [[ -e $schema_dir/.tmp-old001 ]]; then
    fail "a put kept a foreign leftover untouched for 2 days"
else
    ok "a put removed a foreign leftover untouched for 2 days"
fi
if [[ -d $schema_dir/.tmp-new001 ]]; then
    ok "a put kept a recent foreign temporary directory"
else
    fail "a put removed a recent foreign temporary directory"
fi
rmdir "$schema_dir/.tmp-new001"

left=$(temps)
if [[ -n $left ]]; then
    fail "temporary directories left: $left"
else
    ok "no temporary directory left"
fi

if ((failures)); then
    echo "$failures failure(s)"
    exit 1
fi
echo "all passed"
