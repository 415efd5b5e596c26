/* Sinks on AWS (lib/sink/): the consumers iatk delivers events to through
 * the AWS request layer.  Nothing here knows about HTTP: calls go through
 * iatk__aws_send.  Not installed.
 *
 *   lambda_name.c  a function name, partial or full ARN split as Lambda does
 *   lambda.c       Lambda Invoke (REST-JSON)
 *   sfn.c          Step Functions StartExecution + DescribeExecution,
 *                  StartSyncExecution (JSON 1.0)
 */
#ifndef IATK_SINK_INTERNAL_H
#define IATK_SINK_INTERNAL_H

#include <stddef.h>

#include "aws/aws_internal.h"

/* A function reference split into what Lambda's FunctionName and
 * Qualifier get: "NAME", "ACCOUNT:function:NAME" or
 * "arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME", each with an
 * optional ":QUALIFIER".  `function_len` is the length of the part before
 * the qualifier; `qualifier` points into the text, or is NULL.  EINVAL
 * for anything else (empty parts, characters Lambda refuses). */
typedef struct iatk__lambda_ref {
  size_t function_len;
  const char *qualifier;
} iatk__lambda_ref;

int iatk__lambda_split(const char *function, iatk__lambda_ref *out,
                       iatk_error *err);

#endif
