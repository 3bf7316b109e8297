import { describe, test } from 'node:test';
import { checkScriptedSession } from './session-check.ts';

describe('npm start (run.mjs)', () => {
  test('SQLite: the scripted session, the task runs and the feedback land in the triplet file', () =>
    checkScriptedSession());
});
