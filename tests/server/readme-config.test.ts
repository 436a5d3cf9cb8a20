/**
 * The README is the front door: its configuration table names every variable server/config.ts
 * reads (a group may be written `SLA_HOURS_LOW` / `_MEDIUM`), so a new variable cannot ship
 * undocumented.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const configSource = readFileSync(new URL('server/config.ts', root), 'utf8');
const readme = readFileSync(new URL('README.md', root), 'utf8');

/** The keys of the environment schema: `    NAME: z…` lines. */
const variables = [...configSource.matchAll(/^ {4}([A-Z][A-Z0-9_]+):/gm)].map((match) => match[1]!);

/** The configuration section's table rows, by their first cell. */
const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
const firstCells = [...section.matchAll(/^\| ([^|]+) \|/gm)].map((match) => match[1]!);

function documented(variable: string): boolean {
  return firstCells.some((cell) => {
    const names = [...cell.matchAll(/`([A-Z_][A-Z0-9_]*)`/g)].map((match) => match[1]!);
    const stem = names[0]?.replace(/_[A-Z0-9]+$/, '');
    return names.some((name) => name === variable || (name.startsWith('_') && `${stem}${name}` === variable));
  });
}

describe('the README configuration table', () => {
  it('finds the variables in server/config.ts', () => {
    expect(variables).toContain('PORT');
    expect(variables).toContain('DEMO_MODE');
    expect(variables.length).toBeGreaterThan(30);
  });

  it('documents every one of them', () => {
    expect(variables.filter((variable) => !documented(variable))).toEqual([]);
  });
});
