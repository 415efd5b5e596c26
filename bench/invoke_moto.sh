#!/usr/bin/env bash
# A measurement, not a test (make test cannot count on moto: see
# tests/python/test_invoke_*.py for the loopback fakes it runs instead):
# iatk invoke --lambda and --state-machine against moto_server.
#
# moto runs from the PATH's python3 on a random loopback port with its IAM
# checks on after the first 3 actions (INITIAL_NO_AUTH_ACTION_COUNT): those
# create an IAM user with an allow-all policy and its access key, and every
# later request, iatk's included, must be signed by that key (moto checks
# SigV4 with botocore's code).  Lambda runs in moto's non-Docker mode, whose
# Invoke answers with the request's payload (or "Simple Lambda happy path
# OK" when it is empty); Step Functions in moto's execute_state_machine
# mode, which runs the Pass state.  Nothing leaves 127.0.0.1.
#
#   bench/invoke_moto.sh [path/to/iatk]     (default: build/iatk)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
IATK=${1:-$here/build/iatk}
PY=${PYTHON:-python3}
"$PY" -c 'import moto, boto3' 2>/dev/null || { echo "moto and boto3 are needed in $PY" >&2; exit 2; }

work=$(mktemp -d)
port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
INITIAL_NO_AUTH_ACTION_COUNT=3 "$PY" -m moto.server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null; wait "$moto_pid" 2>/dev/null; cp "$work/moto.log" /tmp/invoke_moto.log 2>/dev/null; rm -rf "$work"' EXIT

export HOME=$work NO_PROXY='*' AWS_EC2_METADATA_DISABLED=true AWS_REGION=us-east-1
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
for _ in $(seq 100); do
  curl -fs "$url/moto-api/" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fs -X POST "$url/moto-api/config" \
  -d '{"lambda": {"use_docker": false}, "stepfunctions": {"execute_state_machine": true}}' >/dev/null

echo "== moto $("$PY" -c 'import moto; print(moto.__version__)') at $url (IAM checks on after 3 actions)"
"$PY" - "$url" "$work" <<'PY'
import io, json, sys, zipfile
import boto3
url, work = sys.argv[1], sys.argv[2]
boot = dict(endpoint_url=url, region_name="us-east-1",
            aws_access_key_id="AKIDBOOTSTRAP", aws_secret_access_key="bootstrap")
iam = boto3.client("iam", **boot)
iam.create_user(UserName="bench")                                   # action 1
iam.put_user_policy(UserName="bench", PolicyName="all",             # action 2
                    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
key = iam.create_access_key(UserName="bench")["AccessKey"]          # action 3
creds = dict(endpoint_url=url, region_name="us-east-1",
             aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
        "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com"]}}]})
role = boto3.client("iam", **creds).create_role(RoleName="bench", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
code = io.BytesIO()
with zipfile.ZipFile(code, "w") as z:
    z.writestr("index.js", "exports.lambdaHandler = async (e) => e;\n")
boto3.client("lambda", **creds).create_function(
    FunctionName="calculator", Runtime="nodejs20.x", Role=role, Handler="index.lambdaHandler",
    Code={"ZipFile": code.getvalue()})
sfn = boto3.client("stepfunctions", **creds)
definition = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
std = sfn.create_state_machine(name="bench-pass", definition=definition, roleArn=role)["stateMachineArn"]
exp = sfn.create_state_machine(name="bench-express", definition=definition, roleArn=role,
                               type="EXPRESS")["stateMachineArn"]
with open(f"{work}/env", "w") as f:
    f.write(f"export AWS_ACCESS_KEY_ID={key['AccessKeyId']} AWS_SECRET_ACCESS_KEY={key['SecretAccessKey']}\n")
    f.write(f"STD={std}\nEXP={exp}\n")
# What moto itself does with boto3, next to iatk's runs below.
lam = boto3.client("lambda", **creds)
for fn in ("calculator", "arn:aws:lambda:us-east-1:123456789012:function:calculator:$LATEST"):
    try:
        got = lam.invoke(FunctionName=fn, Payload=b'{"x":1}')["Payload"].read().decode()
    except Exception as e:
        got = f"{type(e).__name__}: {str(e)[:60]}"
    print(f"   boto3 invoke {fn}: {got}")
try:
    boto3.client("stepfunctions", **creds).start_sync_execution(stateMachineArn=exp, input="{}")
except Exception as e:
    print(f"   boto3 start_sync_execution: {type(e).__name__}: {str(e)[:80]}")
# boto3 with a wrong secret is refused: the IAM checks are really on.
bad = dict(creds, aws_secret_access_key="wrong")
try:
    boto3.client("lambda", **bad).list_functions()
    print("   (moto accepted a wrong signature: IAM checks are off)")
except Exception as e:
    print(f"   boto3 with a wrong secret: {type(e).__name__}: {str(e)[:90]}")
PY
. "$work/env"

run() {
  echo "\$ ${*:3}" | sed "s|$url|\$MOTO|g"
  local t0 rc
  t0=$(date +%s%N)
  set +e
  "$@" 2>&1
  rc=$?
  set -e
  echo "   (exit $rc, $(( ($(date +%s%N) - t0) / 1000000 )) ms)"
}
event='{"detail-type":"OrderPlaced","source":"shop","detail":{"items":[{"unitPrice":10,"count":11}]}}'

echo "== Lambda Invoke (moto's non-Docker Invoke echoes the payload; it answers"
echo "   for any function name, and with IAM checks on it refuses an ARN or a"
echo "   Qualifier in the path or query, boto3's as well: it checks the signature"
echo "   over the decoded path)"
run sh -c "echo '$event' | '$IATK' invoke --lambda calculator --endpoint-url $url"
run sh -c "echo '$event' | '$IATK' invoke --lambda arn:aws:lambda:us-east-1:123456789012:function:calculator:\\\$LATEST --endpoint-url $url"
run sh -c "echo '$event' | '$IATK' invoke --lambda calculator --async --endpoint-url $url"
run sh -c "echo '$event' | '$IATK' invoke --lambda missing --endpoint-url $url"
run sh -c "echo '$event' | AWS_SECRET_ACCESS_KEY=wrong '$IATK' invoke --lambda calculator --endpoint-url $url"

echo "== Step Functions (a Pass state: the output is the input; moto 5.2.1 has no"
echo "   StartSyncExecution: its HTTP 500 shows the call reached it)"
run sh -c "echo '$event' | '$IATK' invoke --state-machine $STD --name run-1 --endpoint-url $url"
run sh -c "echo '$event' | AWS_DISABLE_HOST_PREFIX_INJECTION=true '$IATK' invoke --state-machine $EXP --sync --endpoint-url $url"
run sh -c "echo '$event' | '$IATK' invoke --state-machine ${STD%pass}missing --endpoint-url $url"

echo "== timing: 50 sequential Lambda invokes (process start, signing, HTTP included)"
start=$(date +%s.%N)
for i in $(seq 50); do
  echo "$event" | "$IATK" invoke --lambda calculator --endpoint-url "$url" >/dev/null
done
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "   %.1f ms per invoke\n", (e - s) * 1000 / 50 }'
echo "   (no loop for Step Functions: moto 5.2.1's execute_state_machine mode"
echo "   runs one execution per server; every later StartExecution fails in moto"
echo "   deep-copying a lock, boto3's too)"
