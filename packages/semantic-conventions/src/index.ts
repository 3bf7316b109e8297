export * from './agent-lightning.ts';
export * from './attributes.ts';
export * from './file.ts';
export * from './incubating.ts';
export * from './reward.ts';
export * from './sql.ts';
export * from './state.ts';
export type * from './types.ts';
export * from './values.ts';
