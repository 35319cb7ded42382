import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en, zh, type Key } from './strings';

export type Lang = 'zh' | 'en';
const CATALOGUES: Record<Lang, Record<Key, string>> = { zh, en };
const STORE = 'helpaged.lang';

/** Chinese for a browser that prefers it, English otherwise, unless the person chose one here before. */
export function initialLang(): Lang {
  const chosen = localStorage.getItem(STORE);
  if (chosen === 'zh' || chosen === 'en') return chosen;
  return (navigator.languages?.[0] ?? navigator.language ?? '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function rememberLang(lang: Lang): void {
  localStorage.setItem(STORE, lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

export interface I18n {
  lang: Lang;
  locale: string;
  t: (key: Key, params?: Record<string, string | number>) => string;
}

export function i18nFor(lang: Lang): I18n {
  const catalogue = CATALOGUES[lang];
  const locale = lang === 'zh' ? 'zh-CN' : 'en';
  return {
    lang, locale,
    t: (key, params) => catalogue[key].replace(/\{(\w+)\}/g, (_, name: string) => String(params?.[name] ?? '')),
  };
}

export const I18nContext = createContext<I18n>(i18nFor('en'));
export const useI18n = () => useContext(I18nContext);
