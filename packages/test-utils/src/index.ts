export * from './fixtures.ts';
export * from './framework-suite.ts';
export * from './http-scenario.ts';
export * from './packages.ts';
export * from './postgres.ts';
export * from './protobuf.ts';
export * from './receiver.ts';
