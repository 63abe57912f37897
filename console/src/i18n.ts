// Korean and English text. Korean when the browser asks for it first (or when chosen in
// the console, which is remembered); English otherwise.
import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { en, ko } from "./locales";

export const LANGUAGES = ["ko", "en"] as const;
export type Language = (typeof LANGUAGES)[number];
const KEY = "spice.language";

/** The language to start in: the one chosen before, else the browser's first of ours. */
export function initialLanguage(stored: string | null, asked: readonly string[]): Language {
  if (stored === "ko" || stored === "en") return stored;
  for (const tag of asked) {
    const base = tag.toLowerCase().split("-")[0];
    if (base === "ko" || base === "en") return base;
  }
  return "en";
}

export function setupI18n(): typeof i18next {
  const stored = typeof localStorage === "undefined" ? null : localStorage.getItem(KEY);
  const asked = typeof navigator === "undefined" ? [] : (navigator.languages ?? [navigator.language]);
  void i18next.use(initReactI18next).init({
    resources: { ko: { translation: ko }, en: { translation: en } },
    lng: initialLanguage(stored, asked),
    fallbackLng: "en",
    interpolation: { escapeValue: false },
  });
  i18next.on("languageChanged", (language) => {
    document.documentElement.lang = language;
    localStorage.setItem(KEY, language);
  });
  document.documentElement.lang = i18next.language;
  return i18next;
}
