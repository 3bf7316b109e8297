/** `node --require @rl-otel/auto app.js`: the CommonJS entry. */
import { startAuto } from './start.ts';

startAuto();
