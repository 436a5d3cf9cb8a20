/** The whole schema: every table, enum and role the database has, and their row types. */
export * from './access.ts';
export * from './auth.ts';
export * from './team.ts';
export * from './tickets.ts';
export * from './messages.ts';
export * from './attachments.ts';
export * from './tags.ts';
export * from './metadata.ts';
export * from './templates.ts';
export * from './idempotency.ts';
export * from './sla.ts';
export * from './events.ts';
export * from './search.ts';
