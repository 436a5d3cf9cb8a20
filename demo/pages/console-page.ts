/**
 * The demo console page's script: signs <ticket-console> in as the chosen demo team member
 * through the demo token endpoint (a `tokenProvider`, as a team's intranet would), or leaves
 * it signed out so its own email-and-password sign-in shows.
 */
import type { TicketConsole } from '../../widget/ticket-console.ts';
import { demoTokenProvider, fetchDemoIdentities } from './demo-client.ts';

const passwordChoice = 'password';

/** Fills the switcher at once (whatever becomes of the console's script), then signs the console in. */
async function setUpTeam(): Promise<void> {
  const select = document.getElementById('agent-switcher') as HTMLSelectElement;
  const team = (await fetchDemoIdentities()).filter((identity) => identity.role !== 'customer');
  const wanted = new URLSearchParams(location.search).get('as') ?? team[0]?.key;
  for (const member of team) select.append(new Option(`${member.name} (${member.role})`, member.key, false, member.key === wanted));
  select.append(new Option('Sign in with email and password…', passwordChoice, false, wanted === passwordChoice));
  await customElements.whenDefined('ticket-console');
  const element = document.querySelector('ticket-console') as TicketConsole;
  const choose = () => {
    element.tokenProvider = select.value === passwordChoice ? null : demoTokenProvider(select.value);
  };
  select.addEventListener('change', () => {
    const url = new URL(location.href);
    url.searchParams.set('as', select.value);
    history.replaceState(null, '', url);
    choose();
  });
  choose();
}

await setUpTeam();
