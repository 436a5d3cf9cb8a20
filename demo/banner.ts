/** What `npm start` prints in demo mode: where the demo pages are and who can sign in. */
import { demoPassword, demoTeam } from './identities.ts';
import type { SeedOutcome } from './seed.ts';

const seedNotes: Record<SeedOutcome, string> = {
  seeded: 'demo data seeded just now (npm run demo:reset starts over)',
  kept: 'demo data kept from an earlier start (npm run demo:reset starts over)',
  'not-empty': 'the database already had data, so no demo data was added',
};

export function demoBanner(base: string, seed: SeedOutcome | undefined): string {
  const width = Math.max(...demoTeam.map((member) => member.email.length));
  return [
    `Demo mode (${seed ? seedNotes[seed] : 'demo data not seeded'}):`,
    `  Demo page: ${base}/demo/`,
    `  Console:   ${base}/demo/console`,
    `  Team sign-in (password "${demoPassword}"):`,
    ...demoTeam.map((member) => `    ${member.email.padEnd(width)}  ${member.name}, ${member.role}`),
    '  Demo mode signs anyone in as these people: turn it off (DEMO_MODE=false) before real use.',
    '',
  ].join('\n');
}
