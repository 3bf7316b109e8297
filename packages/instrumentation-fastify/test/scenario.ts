/**
 * What every Fastify fixture is put through (`exerciseRoutes` of
 * @rl-otel/test-utils adds two episodes' concurrent requests), and what must
 * come out of each call.
 */
import type { RouteCall } from '@rl-otel/test-utils';

export const CALLS: readonly RouteCall[] = [
  { method: 'GET', path: '/api/tasks/42', status: 200, action: 'GET /api/tasks/:id', failed: false },
  {
    method: 'GET',
    path: '/api/v1/users/7/posts/9',
    status: 200,
    action: 'GET /api/v1/users/:userId/posts/:postId',
    failed: false,
  },
  {
    method: 'GET',
    path: '/api/boom',
    status: 500,
    action: 'GET /api/boom',
    exception: 'Error',
    failed: true,
  },
  {
    method: 'GET',
    path: '/api/async-boom',
    status: 500,
    action: 'GET /api/async-boom',
    exception: 'TypeError',
    failed: true,
  },
  // A thrown error that Fastify answers with a 4xx is the client's error: recorded, not a failure.
  {
    method: 'GET',
    path: '/api/teapot',
    status: 418,
    action: 'GET /api/teapot',
    exception: 'Error',
    failed: false,
  },
  // The plugin's own error handler answers 503.
  {
    method: 'GET',
    path: '/custom/fail',
    status: 503,
    action: 'GET /custom/fail',
    exception: 'Error',
    failed: true,
  },
  // An onRequest hook answers before the handler: still the route that matched.
  { method: 'GET', path: '/admin/stats', status: 401, action: 'GET /admin/stats', failed: false },
  {
    method: 'GET',
    path: '/admin/stats',
    headers: { 'x-admin': 'yes' },
    status: 200,
    action: 'GET /admin/stats',
    failed: false,
  },
  { method: 'GET', path: '/nope/123', status: 404, action: 'GET (unmatched)', failed: false },
  { method: 'GET', path: '/nope/456', status: 404, action: 'GET (unmatched)', failed: false },
  { method: 'POST', path: '/nope', status: 404, action: 'POST (unmatched)', failed: false },
  {
    method: 'GET',
    path: '/api/stream',
    status: 200,
    action: 'GET /api/stream',
    failed: false,
    body: 'chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\n',
  },
];
