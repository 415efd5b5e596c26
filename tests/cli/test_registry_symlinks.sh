#!/usr/bin/env bash
# Symbolic links planted inside a registry tree (say, a tree cloned from an
# untrusted repository) are never followed: every command that meets one
# where a registry, schema, version, schema.json or meta.json belongs fails
# with exit status 3 and names it, and nothing outside the tree is written
# or read.  The root itself may be a link.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" symlinks
cd "$tmp" || exit 2

printf '{"type": "object", "title": "inside"}\n' >doc.json
# What lies outside the tree: a directory that looks like a registry, and
# files a link could try to expose.
mkdir -p outside/reg/Placed/1
printf '{"type": "object", "title": "SECRET-OUTSIDE"}\n' >outside/reg/Placed/1/schema.json
printf '{"type": "JSONSchemaDraft4"}\n' >outside/reg/Placed/1/meta.json
printf '{"type": "string", "const": "SECRET-FILE"}\n' >outside/secret.json
printf '{"type": "JSONSchemaDraft4"}\n' >outside/meta.json
mkfifo outside/fifo

snapshot() {
    (cd outside && find . -printf '%p %y %s %T@\n' | LC_ALL=C sort && find . -type f -exec md5sum {} + | LC_ALL=C sort)
}
before=$(snapshot)

# Makes a fresh tree with orders/Placed version 1 and sets $t to it.
n=0
fresh_tree() {
    n=$((n + 1))
    t=$tmp/tree$n
    "$IATK" registry put --registry-dir "$t" --registry orders --schema Placed doc.json >/dev/null ||
        fail "setting up $t"
}

# refused WHAT REL ARGS...: iatk ARGS fails with exit 3 naming REL as a
# link, prints nothing on stdout, and leaves outside/ as it was.
refused() {
    local what=$1 rel=$2
    shift 2
    local status=0
    timeout -k 5 20 "$IATK" "$@" >out 2>err || status=$?
    local want="iatk: error: registry tree: '$rel' is a symbolic link; refusing to follow it"
    if [[ $status != 3 ]]; then
        fail "$what: exit status $status, expected 3 (stderr: $(cat err))"
    elif [[ $(cat err) != "$want" ]]; then
        fail "$what: stderr '$(cat err)', expected '$want'"
    elif [[ -s out ]]; then
        fail "$what: printed '$(head -c 200 out)'"
    elif [[ $(snapshot) != "$before" ]]; then
        fail "$what: changed what is outside the tree"
        before=$(snapshot)
    else
        ok "$what"
    fi
}

# works WHAT ARGS...: iatk ARGS succeeds.
works() {
    local what=$1
    shift
    if timeout -k 5 20 "$IATK" "$@" >out 2>err; then
        ok "$what"
    else
        fail "$what: exit status $?, stderr: $(cat err)"
    fi
}

# ------------------------------------- a registry that is a link to a dir
fresh_tree
ln -s "$tmp/outside/reg" "$t/evil"
r=(--registry-dir "$t")
refused "put into a linked registry" evil registry put "${r[@]}" --registry evil --schema Placed doc.json
refused "put of a new schema into a linked registry" evil registry put "${r[@]}" --registry evil --schema New doc.json
refused "show from a linked registry" evil registry show "${r[@]}" --registry evil --schema Placed
refused "versions in a linked registry" evil registry versions "${r[@]}" --registry evil --schema Placed
refused "list of a linked registry" evil registry list "${r[@]}" evil
refused "list of registries with a linked one" evil registry list "${r[@]}"
refused "generate from a linked registry" evil generate "${r[@]}" --registry evil --schema Placed
refused "create over a linked registry" evil registry create "${r[@]}" evil
works "the tree's own schema still shows" registry show "${r[@]}" --registry orders --schema Placed

# --------------------------------------- a schema that is a link to a dir
fresh_tree
ln -s "$tmp/outside/reg/Placed" "$t/orders/Linked"
r=(--registry-dir "$t")
refused "put into a linked schema" orders/Linked registry put "${r[@]}" --registry orders --schema Linked doc.json
refused "show of a linked schema" orders/Linked registry show "${r[@]}" --registry orders --schema Linked
refused "versions of a linked schema" orders/Linked registry versions "${r[@]}" --registry orders --schema Linked
refused "generate from a linked schema" orders/Linked generate "${r[@]}" --registry orders --schema Linked
refused "list of a registry holding a linked schema" orders/Linked registry list "${r[@]}" orders
works "a sibling schema still shows" registry show "${r[@]}" --registry orders --schema Placed
works "a sibling schema still takes puts" registry put "${r[@]}" --registry orders --schema Placed doc.json

# ------------------------------------- a version that is a link to a dir
fresh_tree
ln -s "$tmp/outside/reg/Placed/1" "$t/orders/Placed/2"
r=(--registry-dir "$t")
refused "show latest with a linked version" orders/Placed/2 registry show "${r[@]}" --registry orders --schema Placed
refused "show of a linked version" orders/Placed/2 registry show "${r[@]}" --registry orders --schema Placed --schema-version 2
refused "show of another version next to a linked one" orders/Placed/2 registry show "${r[@]}" --registry orders --schema Placed --schema-version 1
refused "versions with a linked version" orders/Placed/2 registry versions "${r[@]}" --registry orders --schema Placed
refused "generate with a linked version" orders/Placed/2 generate "${r[@]}" --registry orders --schema Placed
refused "put next to a linked version" orders/Placed/2 registry put "${r[@]}" --registry orders --schema Placed doc.json
refused "list of a registry with a linked version" orders/Placed/2 registry list "${r[@]}" orders

# A dangling link where the next version would go: nothing may be created
# at its target.
fresh_tree
ln -s "$tmp/outside/new-version" "$t/orders/Placed/2"
refused "put next to a dangling version link" orders/Placed/2 registry put --registry-dir "$t" --registry orders --schema Placed doc.json
fresh_tree
ln -s "$tmp/outside/new-schema" "$t/orders/Fresh"
refused "put into a dangling schema link" orders/Fresh registry put --registry-dir "$t" --registry orders --schema Fresh doc.json
ln -s "$tmp/outside/new-registry" "$t/fresh"
refused "put into a dangling registry link" fresh registry put --registry-dir "$t" --registry fresh --schema Fresh doc.json

# --------------------------------------------- files that are links
fresh_tree
rm "$t/orders/Placed/1/schema.json"
ln -s "$tmp/outside/secret.json" "$t/orders/Placed/1/schema.json"
r=(--registry-dir "$t")
refused "show of a linked schema.json" orders/Placed/1/schema.json registry show "${r[@]}" --registry orders --schema Placed
refused "generate from a linked schema.json" orders/Placed/1/schema.json generate "${r[@]}" --registry orders --schema Placed --mode sample
works "versions lists a version whose files are links" registry versions "${r[@]}" --registry orders --schema Placed

fresh_tree
rm "$t/orders/Placed/1/schema.json"
ln -s /etc/hostname "$t/orders/Placed/1/schema.json"
refused "show of a schema.json linked to /etc/hostname" orders/Placed/1/schema.json registry show --registry-dir "$t" --registry orders --schema Placed

fresh_tree
rm "$t/orders/Placed/1/meta.json"
ln -s "$tmp/outside/meta.json" "$t/orders/Placed/1/meta.json"
refused "show with a linked meta.json" orders/Placed/1/meta.json registry show --registry-dir "$t" --registry orders --schema Placed
refused "generate with a linked meta.json" orders/Placed/1/meta.json generate --registry-dir "$t" --registry orders --schema Placed

# A FIFO is no file to read: refused at once rather than waited on.
fresh_tree
rm "$t/orders/Placed/1/schema.json"
mkfifo "$t/orders/Placed/1/schema.json"
status=0
timeout -k 5 20 "$IATK" registry show --registry-dir "$t" --registry orders --schema Placed >out 2>err || status=$?
want="iatk: error: registry tree: 'orders/Placed/1/schema.json' is not a regular file"
if [[ $status == 3 && $(cat err) == "$want" ]]; then
    ok "a FIFO as schema.json is refused without blocking"
else
    fail "FIFO as schema.json: exit $status, stderr '$(cat err)', expected 3 and '$want'"
fi

# ------------------------------------------------ the root may be a link
fresh_tree
ln -s "$t" "$tmp/root-link"
r=(--registry-dir "$tmp/root-link")
works "put through a linked root" registry put "${r[@]}" --registry orders --schema Placed doc.json
works "list through a linked root" registry list "${r[@]}"
works "versions through a linked root" registry versions "${r[@]}" --registry orders --schema Placed
works "show through a linked root" registry show "${r[@]}" --registry orders --schema Placed
works "generate through a linked root" generate "${r[@]}" --registry orders --schema Placed
if [[ -f $t/orders/Placed/2/schema.json ]]; then
    ok "the put through the linked root landed in the tree"
else
    fail "the put through the linked root did not land in $t"
fi

if [[ $(snapshot) != "$before" ]]; then
    fail "something outside the tree changed"
fi

if ((failures)); then
    echo "$failures failure(s)"
    exit 1
fi
echo "all passed"
