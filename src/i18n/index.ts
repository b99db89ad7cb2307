import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

export type Lang = 'en' | 'zh-CN';
export type MessageKey = keyof typeof en;

const CATALOGS: Record<Lang, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

export function parseLang(raw: string | undefined): Lang | undefined {
  if (raw === undefined) return 'en';
  const v = raw.toLowerCase();
  if (v === 'en' || v.startsWith('en-')) return 'en';
  if (v === 'zh' || v === 'zh-cn' || v === 'zh_cn' || v === 'zh-hans') return 'zh-CN';
  return undefined;
}

/** A translated message with `{name}` placeholders filled. */
export function t(lang: Lang, key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = CATALOGS[lang][key];
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}
