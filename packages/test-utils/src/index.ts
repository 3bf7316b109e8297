export * from './collector.ts';
export * from './fixtures.ts';
export * from './protobuf.ts';
export * from './receiver.ts';
