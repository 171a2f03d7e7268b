import { ref } from 'vue';
import { en } from './messages/en';
import { zh } from './messages/zh';

/** Chinese first, as for 12306's users; English on request, remembered in this browser. */
export type Locale = 'zh' | 'en';

const STORAGE_KEY = 'ticketing.locale';
const MESSAGES: Record<Locale, Readonly<Record<string, string>>> = { zh, en };

export const locale = ref<Locale>(initialLocale());
applyToDocument(locale.value);

export function setLocale(next: Locale): void {
  locale.value = next;
  applyToDocument(next);
  try {
    window.localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // storage disabled: the choice lasts for this page
  }
}

/**
 * The message for a key in the current language, `{name}` placeholders filled in.
 * A key missing in the language answers `fallback` when given, else the key itself.
 */
export function t(key: string, params: Record<string, string | number> = {}, fallback?: string): string {
  const template = MESSAGES[locale.value][key] ?? fallback ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

function initialLocale(): Locale {
  try {
    return window.localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

function applyToDocument(value: Locale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = value === 'zh' ? 'zh-CN' : 'en';
}
