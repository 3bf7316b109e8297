/**
 * The few parts of Fastify this plugin touches, written out structurally so
 * that its types need no `fastify` package and fit Fastify 4 and 5 alike.
 */

/** A Fastify request (`FastifyRequest`), as far as this plugin reads it. */
export interface FastifyRequestLike {
  readonly method: string;
  readonly url: string;
  /** Since Fastify 4.10; `url` is the full route template, undefined for the 404 handler. */
  readonly routeOptions?: { readonly url?: string };
}

type Done = (error?: Error) => void;

/** A Fastify instance, as the `fastify.initialization` diagnostics channel hands it out. */
export interface FastifyInstanceLike {
  readonly version?: string;
  addHook(
    name: 'onRequest',
    hook: (this: unknown, request: FastifyRequestLike, reply: unknown, done: Done) => void,
  ): unknown;
  addHook(
    name: 'onError',
    hook: (this: unknown, request: FastifyRequestLike, reply: unknown, error: unknown, done: Done) => void,
  ): unknown;
}

/** The message of the `fastify.initialization` diagnostics channel. */
export interface InitializationMessage {
  readonly fastify: FastifyInstanceLike;
}
