import { frameworkSuite } from '@rl-otel/test-utils';

// Hono 4 and @hono/node-server as the repository installs them.
frameworkSuite({ framework: 'hono', from: import.meta.url, variants: [{ dir: 'hono4' }] });
