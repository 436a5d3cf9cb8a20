export * from './schema/index.ts';
export * from './client.ts';
export * from './rls.ts';
export * from './migrate.ts';
export * from './query-rows.ts';
