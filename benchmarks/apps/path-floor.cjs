// The least any instrumentation that records artifact files must add to a call
// outside the artifact roots, as a `--require` preload: `fs.statSync` wrapped by a
// function that tests its path against the root (RL_OTEL_ARTIFACT_DIRS, one
// folder) with one `startsWith` and calls straight through. It records nothing.
// A path built by `path.join` is a concatenated string: the first read flattens
// it, and `fs` reads it anyway (its null-byte check), so the test moves that work
// rather than adding to it. With apps/sdk-floor.mjs (the SDK loaded, as in any
// SDK-based instrumentation) it is the fs benchmark's "path-test floor".
const fs = require('node:fs');

const root = process.env.RL_OTEL_ARTIFACT_DIRS ?? '';
const statSync = fs.statSync;
// Counts paths inside the root, so that the test is really made (and not optimized away).
const seen = { inside: 0 };
fs.statSync = function (path) {
  if (typeof path === 'string' && path.startsWith(root)) seen.inside++;
  // biome-ignore lint/complexity/noArguments: passes every argument through unchanged
  return arguments.length === 1 ? statSync.call(this, path) : Reflect.apply(statSync, this, arguments);
};
