/** Wrapping as the instrumentation base class does it (shimmer), passed to the hook files. */
export interface Shim {
  wrap(target: object, name: string, wrapper: (original: never) => unknown): void;
  unwrap(target: object, name: string): void;
}
