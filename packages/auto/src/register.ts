/**
 * `node --import @rl-otel/auto app.js`: instruments the app before it loads.
 * With the off-thread ES module loader, waits (briefly) until it has taken the
 * hooks, so that the app's first `import` is already instrumented.
 */
import { startAuto } from './start.ts';

const handle = startAuto();
if (handle !== undefined) await handle.ready;
