import { describe, test } from 'node:test';
import { startPostgres } from '@rl-otel/test-utils';
import { checkScriptedSession } from './session-check.ts';

describe('npm start (run.mjs) on PostgreSQL', () => {
  test('PostgreSQL: the scripted session, the task runs and the feedback land in the triplet file', async () => {
    const pg = await startPostgres();
    try {
      await checkScriptedSession({ DATABASE_URL: pg.url });
    } finally {
      await pg.stop();
    }
  });
});
