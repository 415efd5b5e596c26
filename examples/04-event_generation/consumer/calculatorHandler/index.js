// The seed's calculator Lambda function (CDK: runtime NODEJS_18_X, handler
// index.lambdaHandler, code from dist/calculatorHandler): the order total,
// the sum over orderItems of unitPrice × count, returned as the function's
// result (110 for the seed's contextful event).
//
// Run it locally as Lambda would:
//   iatk invoke --handler consumer/calculatorHandler/index.lambdaHandler \
//       --runtime nodejs --event event.json
exports.lambdaHandler = async (event) => {
  const items = Array.isArray(event.orderItems) ? event.orderItems : [];
  return items.reduce((total, item) => total + (item.unitPrice ?? 0) * (item.count ?? 0), 0);
};
