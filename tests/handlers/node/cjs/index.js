// CommonJS handlers, one per behaviour the tests check.
class OrderError extends Error {
  constructor(message) {
    super(message);
    this.name = 'OrderError';
  }
}
class PlainSubclass extends Error {}

const sum = (event) => (event.orderItems || []).reduce((t, i) => t + i.unitPrice * i.count, 0);

exports.asyncHandler = async (event) => sum(event);
exports.promiseHandler = (event) => new Promise((resolve) => setTimeout(() => resolve(sum(event)), 10));
exports.callbackHandler = (event, context, callback) => {
  setTimeout(() => callback(null, { total: sum(event) }), 10);
};
// sync: the callback called before returning
exports.syncCallbackHandler = (event, context, callback) => callback(null, sum(event));
// sync with a return value and no callback: Lambda's Node runtime answers null
exports.syncReturnHandler = (event) => sum(event);
// callback(null, r) waits for the event loop to empty...
exports.waitsHandler = (event, context, callback) => {
  setTimeout(() => console.log('timer ran'), 200);
  callback(null, 'waited');
};
// ...unless callbackWaitsForEmptyEventLoop is false
exports.noWaitHandler = (event, context, callback) => {
  context.callbackWaitsForEmptyEventLoop = false;
  setTimeout(() => console.log('timer ran'), 5000);
  callback(null, 'did not wait');
};
exports.callbackErrorHandler = (event, context, callback) => callback(new Error('callback failed'));
exports.throwsHandler = async () => {
  throw new TypeError('price is not a number');
};
exports.syncThrowsHandler = () => {
  throw new RangeError('sync failure');
};
exports.customErrorHandler = async () => {
  throw new OrderError('order 42 is empty');
};
exports.plainSubclassHandler = async () => {
  throw new PlainSubclass('no name of its own');
};
exports.rejectStringHandler = () => Promise.reject('just a string');
exports.rejectObjectHandler = async () => {
  throw { code: 42 };
};
exports.uncaughtHandler = (event, context, callback) => {
  setTimeout(() => {
    throw new Error('thrown in a timer');
  }, 10);
};
exports.slowHandler = () => new Promise((resolve) => setTimeout(() => resolve('late'), 30000));
exports.noisyHandler = async () => {
  console.log('console.log line');
  console.info('console.info line');
  console.error('console.error line');
  process.stdout.write('raw stdout write\n');
  process.stderr.write('raw stderr write\n');
  return 'quiet result';
};
exports.undefinedHandler = async () => undefined;
exports.bigintHandler = async () => ({ n: 10n });
exports.contextHandler = async (event, context) => {
  const first = context.getRemainingTimeInMillis();
  await new Promise((r) => setTimeout(r, 50));
  const second = context.getRemainingTimeInMillis();
  const fields = {};
  for (const k of ['functionName', 'functionVersion', 'invokedFunctionArn', 'memoryLimitInMB',
    'awsRequestId', 'logGroupName', 'logStreamName', 'callbackWaitsForEmptyEventLoop']) {
    fields[k] = context[k];
  }
  for (const k of ['getRemainingTimeInMillis', 'done', 'succeed', 'fail']) {
    fields[k] = typeof context[k];
  }
  return { fields, first, second, env: process.env.MY_SETTING || null, cwd: process.cwd() };
};
exports.succeedHandler = (event, context) => context.succeed({ legacy: true });
exports.failHandler = (event, context) => context.fail(new Error('legacy failure'));
exports.doneHandler = (event, context) => context.done(null, 'done');
exports.notAFunction = 42;
exports.nested = { handler: async () => 'nested' };
