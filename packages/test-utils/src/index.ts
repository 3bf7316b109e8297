export * from './collector.ts';
export * from './fixtures.ts';
export * from './http-apps.ts';
export * from './packages.ts';
export * from './postgres.ts';
export * from './protobuf.ts';
export * from './receiver.ts';
export * from './routes.ts';
