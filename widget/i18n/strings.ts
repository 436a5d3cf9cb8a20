/** The panel's strings for a locale: English is bundled, the others load when asked for. */
import type { Locale } from '../widget-host.ts';
import { en, type Strings } from './en.ts';

export type { Strings };
export { en };

const loaders: Record<Locale, () => Promise<Strings>> = {
  en: async () => en,
  de: async () => (await import('./de.ts')).de,
  ar: async () => (await import('./ar.ts')).ar,
};

export function loadStrings(locale: Locale): Promise<Strings> {
  return loaders[locale]();
}
