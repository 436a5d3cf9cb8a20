/**
 * The two demo pages' way to their "backend": the demo identities, and a `tokenProvider` per
 * identity that asks the demo token endpoint (POST /demo/token) for a fresh short-lived token.
 * A real site's page does the same against its own backend.
 */
export interface DemoIdentityView {
  key: string;
  role: 'customer' | 'agent' | 'admin';
  name: string;
  email: string;
  company?: string;
}

export async function fetchDemoIdentities(): Promise<DemoIdentityView[]> {
  const response = await fetch('/demo/identities');
  if (!response.ok) throw new Error(`The demo identities did not load (${response.status}).`);
  return ((await response.json()) as { items: DemoIdentityView[] }).items;
}

export function demoTokenProvider(user: string): () => Promise<string> {
  return async () => {
    const response = await fetch('/demo/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user }) });
    if (!response.ok) throw new Error(`The demo token endpoint answered ${response.status}.`);
    return ((await response.json()) as { token: string }).token;
  };
}
