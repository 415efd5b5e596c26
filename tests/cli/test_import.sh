#!/usr/bin/env bash
# iatk registry import across runs: re-importing unchanged content adds no
# version, changed content adds version 2; a template that fails writes
# nothing; generated names are the same on every run and differ between
# stacks; --outputs merges into an existing file (other stacks and outputs
# kept, outputs that need a deployed stack keep their value) and replaces
# it atomically; the stored content is exactly what Fn::Sub/Fn::Join built.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" import
cd "$tmp" || exit 2
tree=$tmp/tree
import() { "$IATK" registry import --registry-dir "$tree" "$@"; }

# expect_eq NAME GOT WANT
expect_eq() {
    if [[ $2 == "$3" ]]; then ok "$1"; else fail "$1: got '$2', expected '$3'"; fi
}

schema_template() {  # schema_template TITLE: a named registry and schema
    cat <<EOT
Resources:
  Reg:
    Type: AWS::EventSchemas::Registry
    Properties: {RegistryName: shop}
  Order:
    Type: AWS::EventSchemas::Schema
    Properties:
      RegistryName: !Ref Reg
      SchemaName: Order
      Type: JSONSchemaDraft4
      Content: '{"title": "$1", "type": "object"}'
Outputs:
  Version: {Value: !GetAtt Order.SchemaVersion}
  Function: {Value: !GetAtt Fn.Arn}
EOT
}

# ------------------------------------------------ re-import, new version
schema_template v1 >shop.yaml
out=$(import shop.yaml)
expect_eq "first import" "$out" "shop/Reg: registry shop created
shop/Order: schema shop/Order version 1 created"
out=$(import shop.yaml)
expect_eq "re-import unchanged" "$out" "shop/Reg: registry shop exists
shop/Order: schema shop/Order version 1 unchanged"
expect_eq "no version added" "$("$IATK" registry versions --registry-dir "$tree" --registry shop --schema Order)" "1"
schema_template v2 >shop.yaml
out=$(import shop.yaml)
expect_eq "changed content" "$out" "shop/Reg: registry shop exists
shop/Order: schema shop/Order version 2 new version"
expect_eq "version 2 holds it" "$("$IATK" registry show --registry-dir "$tree" --registry shop --schema Order)" '{"title": "v2", "type": "object"}'
out=$(import shop.yaml)
expect_eq "re-import of version 2" "$out" "shop/Reg: registry shop exists
shop/Order: schema shop/Order version 2 unchanged"

# ------------------------------------------------ a failure writes nothing
cat >bad.yaml <<'EOT'
Resources:
  Reg:
    Type: AWS::EventSchemas::Registry
    Properties: {RegistryName: never}
  Good:
    Type: AWS::EventSchemas::Schema
    Properties: {RegistryName: never, SchemaName: Good, Type: OpenApi3,
                 Content: '{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}}'}
  Bad:
    Type: AWS::EventSchemas::Schema
    Properties: {RegistryName: never, SchemaName: Bad, Type: OpenApi3,
                 Content: !GetAtt Queue.Arn}
  Queue: {Type: AWS::SQS::Queue}
EOT
import --outputs bad-outputs.json bad.yaml >out 2>err
status=$?
expect_eq "unresolvable content: exit 3" "$status" 3
expect_eq "unresolvable content: message" "$(cat err)" \
    "iatk: error: bad.yaml: resource 'Bad', at Properties/Content/Fn::GetAtt: Fn::GetAtt Queue.Arn needs a deployed stack (Queue is an AWS::SQS::Queue)"
expect_eq "unresolvable content: nothing printed" "$(cat out)" ""
expect_eq "unresolvable content: no registry written" "$(ls "$tree")" "shop"
[[ ! -e bad-outputs.json ]] && ok "unresolvable content: no outputs file" ||
    fail "unresolvable content: an outputs file was written"

# ------------------------------------------------ generated names
cat >unnamed.json <<'EOT'
{"Resources": {
  "MyRegistry": {"Type": "AWS::EventSchemas::Registry"},
  "MySchema": {"Type": "AWS::EventSchemas::Schema", "Properties": {
    "RegistryName": {"Fn::GetAtt": ["MyRegistry", "RegistryName"]}, "Type": "JSONSchemaDraft4",
    "Content": "{}"}}}}
EOT
first=$(import --registry-dir "$tmp/t1" unnamed.json)
second=$(import --registry-dir "$tmp/t2" unnamed.json)
expect_eq "generated names: stable across runs and trees" "$first" "$second"
expect_eq "generated names: shape" "$(sed -E 's/-[A-Za-z0-9]{12}\b/-SUFFIX/g' <<<"$first")" \
    "unnamed/MyRegistry: registry MyRegistry-SUFFIX created (generated name)
unnamed/MySchema: schema MyRegistry-SUFFIX/MySchema-SUFFIX version 1 created (generated name)"
other=$(import --registry-dir "$tmp/t3" --stack-name other-stack unnamed.json)
[[ $(sed 's/^[^:]*://' <<<"$other") != $(sed 's/^[^:]*://' <<<"$first") ]] &&
    ok "generated names: another stack, other names" ||
    fail "generated names: stack other-stack got the same names"

# ------------------------------------------------ --outputs merge
cat >outputs.json <<'EOT'
{
  "other-stack": {"Kept": "yes"},
  "shop": {"Function": "my-function", "Version": "old", "Manual": "kept too"}
}
EOT
ln -s outputs.json link.json
import --outputs link.json shop.yaml >out 2>err
expect_eq "--outputs: exit 0" "$?" 0
expect_eq "--outputs: merged" "$(cat outputs.json)" '{
  "other-stack": {
    "Kept": "yes"
  },
  "shop": {
    "Function": "my-function",
    "Version": "2",
    "Manual": "kept too"
  }
}'
expect_eq "--outputs: the skipped output is named" "$(cat err)" \
    "iatk: not evaluated locally, left as the file had it: shop.Function: at Value/Fn::GetAtt: Fn::GetAtt Fn.Arn: no resource of that name"
[[ -L link.json ]] && ok "--outputs: a symbolic link is followed, not replaced" ||
    fail "--outputs: the link was replaced"
ls outputs.json.tmp-* >/dev/null 2>&1 && fail "--outputs: a temporary file was left" ||
    ok "--outputs: no temporary file left"
import --outputs new.json shop.yaml >/dev/null 2>&1
expect_eq "--outputs: a new file" "$(cat new.json)" '{
  "shop": {
    "Version": "2"
  }
}'
printf '[1, 2]' >notstacks.json
import --outputs notstacks.json shop.yaml >/dev/null 2>err
expect_eq "--outputs: a file of another shape is refused" "$?:$(cat notstacks.json)" "3:[1, 2]"

# ------------------------------------------------ content built by Fn::Sub/Join
import --registry-dir "$tmp/subs" --parameter Title=Order --region ap-southeast-2 \
    --account 210987654321 "$SOURCE_DIR/tests/cases/import_content_sub_join/template.json" >/dev/null
expect_eq "Fn::Sub content" "$("$IATK" registry show --registry-dir "$tmp/subs" --registry subs --schema BySub)" \
    '{"title": "Order", "description": "com.example.orders in ap-southeast-2, ${NotAVariable}", "type": "object"}'
expect_eq "Fn::Join content" "$("$IATK" registry show --registry-dir "$tmp/subs" --registry subs --schema ByJoin)" \
    '{"title": "Order", "enum": ["210987654321"]}'

# ------------------------------------------------ usage
import >/dev/null 2>err
expect_eq "no template: usage" "$?:$(cat err)" "2:iatk: error: 'registry import' needs a TEMPLATE (run 'iatk registry import --help')"
import --parameter novalue shop.yaml >/dev/null 2>err
expect_eq "--parameter without '='" "$?:$(cat err)" "2:iatk: error: --parameter expects NAME=VALUE, got 'novalue'"

if ((failures)); then
    echo "$failures failure(s)"
    exit 1
fi
echo "all passed"
