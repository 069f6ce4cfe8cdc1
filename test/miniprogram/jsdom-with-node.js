/*
 * jsdom for miniprogram-simulate, plus the Node globals the in-process Mulin server needs (supertest, crypto
 * libraries and Node streams expect TextEncoder, setImmediate, structuredClone, …, which jest's jsdom
 * environment leaves out, and Node timers: the server's HTTP clients call timer.unref()). Use with a `@jest-environment ./test/miniprogram/jsdom-with-node.js` docblock.
 */
const JsdomEnvironment = require('jest-environment-jsdom').default;

const NODE_GLOBALS = [
  'TextEncoder',
  'TextDecoder',
  'setImmediate',
  'clearImmediate',
  'structuredClone',
  'AbortController',
  'AbortSignal',
  'ReadableStream',
  'WritableStream',
  'TransformStream',
  'Blob',
  'fetch',
  'Headers',
  'Request',
  'Response',
  'FormData',
  'URL',
  'URLSearchParams',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'queueMicrotask',
  'BroadcastChannel',
  'MessageChannel',
  'MessagePort',
  'crypto',
  'performance',
];

class JsdomWithNodeEnvironment extends JsdomEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of NODE_GLOBALS) {
      if (globalThis[name] !== undefined) this.global[name] = globalThis[name];
    }
  }
}

module.exports = JsdomWithNodeEnvironment;
