/** The SQLSTATE of a database error, looking through the wrappers Drizzle puts around it. */
export function sqlStateOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** insufficient_privilege: RLS `with check` failures, missing grants, our guard triggers. */
export const INSUFFICIENT_PRIVILEGE = '42501';
