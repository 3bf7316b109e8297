import { startPostgres } from '@rl-otel/test-utils';

const t0 = Date.now();
const s = await startPostgres();
console.log('started', s.url, Date.now() - t0, 'ms');
const { default: pg } = await import('pg');
const c = new pg.Client(s.config);
await c.connect();
console.log((await c.query('select version()')).rows[0].version.slice(0, 30));
await c.end();
const t1 = Date.now();
await s.stop();
console.log('stopped', Date.now() - t1, 'ms');
