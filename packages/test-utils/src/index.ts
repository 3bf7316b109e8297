export * from './fixtures.ts';
export * from './protobuf.ts';
export * from './receiver.ts';
export * from './postgres.ts';
