export * from './fixtures.ts';
export * from './postgres.ts';
export * from './protobuf.ts';
export * from './receiver.ts';
