// iatk's local stand-in for Lambda's Node.js runtime (nodejs18.x/20.x):
// loads the handler the way Lambda does, calls it once with the event and
// a context object, and answers the way Lambda's Invoke does.
//
// Protocol with iatk (lib/invoke/handler.c, docs/handlers.md):
//   stdin               the event (JSON text)
//   environment         Lambda's variables (AWS_LAMBDA_FUNCTION_NAME,
//                       _HANDLER, LAMBDA_TASK_ROOT, ...) and IATK_LAMBDA_*
//                       (request id, function ARN, deadline, result fd)
//   fd IATK_LAMBDA_RESULT_FD (3)
//                       "ok\n" + the result as JSON, or "error\n" + Lambda's
//                       error document; nothing else is ever written there
//   stdout, stderr      the handler's console output (iatk points our
//                       stdout at its stderr, so it can never be mistaken
//                       for the answer)
// The working directory is the task root, as on Lambda.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import util from 'node:util';

const env = process.env;
const RESULT_FD = Number(env.IATK_LAMBDA_RESULT_FD || 3);
const REQUEST_ID = env.IATK_LAMBDA_REQUEST_ID || '';
const DEADLINE_MS = Number(env.IATK_LAMBDA_DEADLINE_MS || 0);
const TASK_ROOT = env.LAMBDA_TASK_ROOT || process.cwd();
const HANDLER = env._HANDLER || '';

// Lambda's own error classes: their name is the errorType.
function lambdaError(name) {
  const cls = class extends Error {};
  cls.prototype.name = name;
  return cls;
}
const ImportModuleError = lambdaError('Runtime.ImportModuleError');
const HandlerNotFound = lambdaError('Runtime.HandlerNotFound');
const MalformedHandlerName = lambdaError('Runtime.MalformedHandlerName');
const UserCodeSyntaxError = lambdaError('Runtime.UserCodeSyntaxError');

// ------------------------------------------------------------ answering

let answered = false;

function writeAll(fd, text) {
  const bytes = Buffer.from(text, 'utf8');
  for (let off = 0; off < bytes.length;) {
    try {
      off += fs.writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
    }
  }
}

// One answer per invocation; then the process ends (Lambda would freeze
// it: timers left behind never run in this invocation either).
function answer(status, body) {
  if (answered) {
    console.error('Invocation has already been reported as done. Cannot call complete more than once per invocation.');
    return;
  }
  answered = true;
  writeAll(RESULT_FD, `${status}\n${body}`);
  fs.closeSync(RESULT_FD);
  process.exit(0);
}

function isErrorLike(e) {
  return e && typeof e.name === 'string' && typeof e.message === 'string' &&
    typeof e.stack === 'string' && e.name && e.message && e.stack;
}

// Lambda's error document for anything thrown, rejected or passed to
// callback(err): an Error's name, message and stack lines; any other
// value's typeof and its text.
function toErrorDocument(error) {
  try {
    if (util.types.isNativeError(error) || isErrorLike(error)) {
      return {
        errorType: error.name?.replaceAll('\x7F', '%7F'),
        errorMessage: error.message?.replaceAll('\x7F', '%7F'),
        trace: error.stack.replaceAll('\x7F', '%7F').split('\n'),
      };
    }
    return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
  } catch (_) {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

function fail(error) {
  answer('error', JSON.stringify(toErrorDocument(error)));
}

function succeed(result) {
  let body;
  try {
    body = JSON.stringify(result === undefined ? null : result);
  } catch (_) {
    return fail(new Error('Unable to stringify response body'));
  }
  answer('ok', body === undefined ? 'null' : body);
}

// -------------------------------------------------------- the handler

function hasTypeModule(file) {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        return JSON.parse(fs.readFileSync(pj, 'utf8')).type === 'module';
      } catch (_) {
        return false;
      }
    }
    if (dir === path.dirname(dir)) return false;
  }
}

const require = createRequire(import.meta.url);

function tryRequire(file, ext = '') {
  return fs.existsSync(file + ext) ? require(file + ext) : undefined;
}

async function tryImport(file, ext) {
  return fs.existsSync(file + ext) ? import(pathToFileURL(file + ext).href) : undefined;
}

// Lambda's search: the name as given, .js (CommonJS unless package.json
// says "type": "module"), .mjs, .cjs, then node's resolution.
async function loadModule(moduleName) {
  const file = path.resolve(TASK_ROOT, moduleName);
  const asIs = fs.existsSync(file) && fs.statSync(file).isFile() ? require(file) : undefined;
  if (asIs) return asIs;
  const esm = hasTypeModule(file);
  const loaded = (!esm && tryRequire(file, '.js')) ||
    (esm && (await tryImport(file, '.js'))) ||
    (await tryImport(file, '.mjs')) ||
    tryRequire(file, '.cjs');
  if (loaded) return loaded;
  return require(require.resolve(moduleName, { paths: [TASK_ROOT, path.dirname(file)] }));
}

async function loadHandler(handlerString) {
  if (handlerString.includes('..')) {
    throw new MalformedHandlerName(`'${handlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const match = /^([^.]*)\.(.*)$/.exec(handlerString);
  if (!match) throw new MalformedHandlerName(`Bad handler ${handlerString}`);
  const [, moduleName, handlerPath] = match;
  let mod;
  try {
    mod = await loadModule(moduleName);
  } catch (e) {
    if (e instanceof SyntaxError) throw new UserCodeSyntaxError(String(e));
    if (e && (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND')) {
      throw new ImportModuleError(String(e));
    }
    throw e;
  }
  const fn = handlerPath.split('.').reduce((o, key) => (o == null ? undefined : o[key]), mod);
  if (fn === undefined) throw new HandlerNotFound(`${handlerString} is undefined or not exported`);
  if (typeof fn !== 'function') throw new HandlerNotFound(`${handlerString} is not a function`);
  return fn;
}

// ------------------------------------------------------------ context

// callback, context.done/succeed/fail and callbackWaitsForEmptyEventLoop
// behave as in Lambda's runtime: callback(null, r) answers once the event
// loop is empty unless the flag is false; the legacy methods answer now.
function makeCallbackContext() {
  let waitForEmptyEventLoop = true;
  let pending = null;
  process.on('beforeExit', () => {
    // the event loop is empty: a waiting callback result, or else null
    // (a handler that neither returned a promise nor called back)
    if (pending) pending();
    else succeed(null);
  });
  const callback = (err, result) => {
    if (err !== undefined && err !== null) return fail(err);
    if (!waitForEmptyEventLoop) return succeed(result);
    pending = () => setImmediate(() => succeed(result));
  };
  const done = (err, result) => {
    waitForEmptyEventLoop = false;
    callback(err, result);
  };
  const context = {
    get callbackWaitsForEmptyEventLoop() { return waitForEmptyEventLoop; },
    set callbackWaitsForEmptyEventLoop(value) { waitForEmptyEventLoop = value; },
    succeed: (result) => done(null, result),
    fail: (err) => (err === undefined || err === null ? done('handled') : done(err, null)),
    done,
  };
  return [callback, context];
}

function makeContext(base) {
  return Object.assign(base, {
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: undefined,
    identity: undefined,
    invokedFunctionArn: env.IATK_LAMBDA_FUNCTION_ARN,
    awsRequestId: REQUEST_ID,
    getRemainingTimeInMillis: () => DEADLINE_MS - Date.now(),
  });
}

// ---------------------------------------------------------------- main

// As on Lambda, an error nobody caught, or a rejection nobody handled,
// anywhere in the function ends the invocation with that error.
process.on('uncaughtException', (e) => fail(e));
process.on('unhandledRejection', (e) => fail(e));

const [callback, callbackContext] = makeCallbackContext();
try {
  const event = JSON.parse(fs.readFileSync(0, 'utf8'));
  const handler = await loadHandler(HANDLER);
  const result = handler(event, makeContext(callbackContext), callback);
  if (result && typeof result.then === 'function') {
    result.then(callbackContext.succeed, callbackContext.fail);
  }
} catch (e) {
  callback(e);
}
