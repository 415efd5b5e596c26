#!/usr/bin/env bash
# Every command's --help / -h exits 0 and prints its usage on stdout (and
# nothing on stderr); every option a help text lists is one the command
# accepts; `iatk` with no arguments prints its usage and exits 2 on a
# terminal, and answers JSON-RPC when standard input is not a terminal.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" help
cd "$tmp" || exit 2

# check_help PREFIX ARGS... — `iatk ARGS` must exit 0 with stdout starting
# "usage: iatk PREFIX" and an empty stderr.
check_help() {
    local prefix=$1
    shift
    "$IATK" "$@" </dev/null >out.txt 2>err.txt
    local rc=$?
    local first
    first=$(head -n 1 out.txt)
    if [[ $rc -ne 0 ]]; then
        fail "iatk $*: exit $rc: $(head -c 200 err.txt)"
    elif [[ $first != "usage: iatk $prefix"* ]]; then
        fail "iatk $*: stdout does not start with 'usage: iatk $prefix': '$first'"
    elif [[ -s err.txt ]]; then
        fail "iatk $*: stderr is not empty: $(head -c 200 err.txt)"
    else
        ok "iatk $* prints its usage"
    fi
}

# -------------------------------------------------------- top level
for args in "--help" "-h" "help"; do
    check_help "<command>" $args
done
"$IATK" --help >top.txt 2>/dev/null
grep -q -i 'exit status' top.txt || fail "iatk --help does not document the exit statuses"

# The commands, as the top-level help lists them.
commands=$(awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}' top.txt)
for want in generate registry invoke; do
    grep -qx "$want" <<<"$commands" || fail "iatk --help does not list the '$want' command"
done

# Every option the help text lists is accepted (at worst "missing value").
check_options() {
    local help=$1
    shift
    local opt
    for opt in $(grep -o -E '(^|[ ,(\[])--[a-z][a-z-]*' "$help" | sed 's/^[^-]*//' | sort -u); do
        [[ $opt == --help ]] && continue
        "$IATK" "$@" "$opt" </dev/null >/dev/null 2>opt_err.txt
        if grep -q -i "unknown option\|unrecognized option" opt_err.txt; then
            fail "iatk $* $opt: the help lists it but it is refused: $(cat opt_err.txt)"
        fi
    done
}

for cmd in $commands; do
    [[ $cmd == version ]] && continue
    check_help "$cmd" "$cmd" --help
    check_help "$cmd" "$cmd" -h
    "$IATK" "$cmd" --help >"help_$cmd.txt" 2>/dev/null
    [[ $cmd == registry ]] || check_options "help_$cmd.txt" "$cmd"
done

# registry actions, as its help lists them, each with its own --help.
actions=$(awk '/^actions:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}' help_registry.txt)
for want in create put list show versions; do
    grep -qx "$want" <<<"$actions" || fail "iatk registry --help does not list '$want'"
done
for action in $actions; do
    check_help "registry" registry "$action" --help
done

# Help documents the options the issue asks for.
for opt in --registry --schema --schema-version --event-ref --skip-optional --count \
    --pretty --file --now --mode --seed --start --context --set --merge --registry-dir; do
    grep -q -- "$opt\b" help_generate.txt || fail "iatk generate --help does not mention $opt"
done
grep -q -- "--timeout" help_invoke.txt || fail "iatk invoke --help does not mention --timeout"

# version
"$IATK" version >v.txt 2>err.txt
if [[ $? -ne 0 ]] || ! grep -q -E '^iatk [0-9]+\.[0-9]+\.[0-9]+' v.txt; then
    fail "iatk version: '$(cat v.txt err.txt)'"
else
    ok "iatk version prints '$(cat v.txt)'"
fi
"$IATK" --version >v2.txt 2>/dev/null
cmp -s v.txt v2.txt || fail "iatk --version differs from iatk version"

# ----------------------------------------------------- usage mistakes
"$IATK" frobnicate </dev/null >out.txt 2>err.txt
rc=$?
if [[ $rc -ne 2 || -s out.txt ]] || [[ $(wc -l <err.txt) -ne 1 ]] || ! grep -q "^iatk: error: .*frobnicate" err.txt; then
    fail "iatk frobnicate: exit $rc, stdout '$(cat out.txt)', stderr '$(cat err.txt)'"
else
    ok "iatk frobnicate: one error line, exit 2"
fi

# ----------------------------------------------- no arguments, terminal
# The terminal is on standard input only, so stdout and stderr stay apart.
"$PYTHON" - "$IATK" >tty_out.txt 2>tty_err.txt <<'PY'
import os, pty, subprocess, sys
master, slave = pty.openpty()
p = subprocess.run([sys.argv[1]], stdin=slave, capture_output=True, timeout=20)
os.close(slave)
os.close(master)
sys.stdout.buffer.write(p.stdout)
sys.stderr.buffer.write(p.stderr)
sys.exit(p.returncode)
PY
rc=$?
if [[ $rc -ne 2 ]]; then
    fail "iatk on a terminal: exit $rc, expected 2"
elif [[ -s tty_out.txt ]]; then
    fail "iatk on a terminal: the usage went to stdout"
elif ! grep -q '^usage: iatk' tty_err.txt; then
    fail "iatk on a terminal: no usage on stderr: $(head -c 200 tty_err.txt)"
else
    ok "iatk with no arguments on a terminal: usage on stderr, exit 2"
fi

# ------------------------------------------ no arguments, not a terminal
"$IATK" </dev/null >rpc_out.txt 2>rpc_err.txt
rc=$?
if [[ $rc -ne 0 ]]; then
    fail "iatk </dev/null: exit $rc, expected 0 (an error response is still a response)"
elif [[ -s rpc_err.txt ]]; then
    fail "iatk </dev/null: stderr is not empty: $(cat rpc_err.txt)"
elif ! "$PYTHON" - rpc_out.txt <<'PY'; then
import json, sys
text = open(sys.argv[1]).read()
assert text.endswith("\n") and text.count("\n") == 1, "not one line"
r = json.loads(text)
assert r["jsonrpc"] == "2.0" and r["id"] is None, r
assert r["error"]["code"] == -32700, r
PY
    fail "iatk </dev/null: not one JSON-RPC parse error line: $(cat rpc_out.txt)"
else
    ok "iatk </dev/null: one JSON-RPC parse error response, exit 0"
fi

echo '{"jsonrpc": "2.0", "id": 7, "method": "mock.nope", "params": {}}' |
    "$IATK" >rpc_out.txt 2>rpc_err.txt
rc=$?
if [[ $rc -ne 0 ]] || ! grep -q '"id":7' rpc_out.txt || ! grep -q '"code":-32601' rpc_out.txt; then
    fail "iatk with an unknown method: exit $rc: $(cat rpc_out.txt rpc_err.txt)"
else
    ok "iatk answers an unknown JSON-RPC method with -32601"
fi

if ((failures)); then
    echo "$failures failure(s)"
    exit 1
fi
echo "all passed"
