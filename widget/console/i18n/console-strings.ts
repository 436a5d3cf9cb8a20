/** The console's strings for a locale: English is bundled, German and Arabic load when asked for. */
import type { Locale } from '../../widget-host.ts';
import { en, type ConsoleStrings } from './console-en.ts';

export type { ConsoleStrings, Locale };
export { en };

const loaders: Record<Locale, () => Promise<ConsoleStrings>> = {
  en: async () => en,
  de: async () => (await import('./console-de.ts')).de,
  ar: async () => (await import('./console-ar.ts')).ar,
};

export function loadConsoleStrings(locale: Locale): Promise<ConsoleStrings> {
  return loaders[locale]();
}

/** The locale a tag names, if the console speaks it. */
export function supportedLocale(tag: string | null | undefined): Locale | undefined {
  const language = tag?.toLowerCase().split(/[-_]/)[0];
  return language === 'en' || language === 'de' || language === 'ar' ? language : undefined;
}
