// Language evidence that does not come from the lexicon: a statistical detector (eld, n-grams of
// 60 languages, no network, no weights to fetch) and letters only some languages write.
//
// The detector alone is unreliable on 3-word questions and does not know Macedonian or Bosnian
// (it says bg/sr/hr) nor Indonesian from Malay, so its scores are one vote among three; see
// interpreter.ts for how they are combined.
import type { EldData } from './eld-compact.ts';
import { eldFiles, eldScores, loadEldData } from './eld-compact.ts';
import type { Script } from './text.ts';

export interface LanguageDetector {
  /** Scores per ISO 639-1 code, the best 1 and the others relative to it; empty when nothing was detected. */
  scores(text: string): Map<string, number>;
}

/** eld codes folded onto the languages the lexicon has (Malay reads as Indonesian, Croatian/Serbian as Bosnian). */
const ALIASES: Record<string, string> = { ms: 'id', hr: 'bs', sr: 'bs' };

/**
 * The detector is off until preloadEld() turns it on (src/cli.ts does for the bot, the console and
 * `ask --json` batches; a single `ask` goes without it, the lexicons still read its language). Its
 * data is then read on the first question the lexicons cannot decide alone, synchronously, in the
 * compact form of eld-compact.ts (about 1.5 MB instead of the 44 MB `import('eld/small')` keeps), so a
 * bot that is only asked clear English questions never reads it.
 */
let enabled = false;
let data: EldData | undefined;
let failed: unknown;

/** Turns the eld detector on; rejects when the package's data files are missing (the detector then
 *  stays off, and the lexicons, stop words and letters still decide the language). */
export function preloadEld(): Promise<void> {
  try {
    eldFiles();
    enabled = true;
    return Promise.resolve();
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

/** Has the detector's data been read (for tests and the memory probe)? */
export function eldLoaded(): boolean {
  return data !== undefined;
}

/** The detector's data, read on first need; undefined while the detector is off or its data unreadable. */
export function eldData(): EldData | undefined {
  if (!enabled || failed !== undefined) return data;
  try {
    data ??= loadEldData();
  } catch (err) {
    failed = err;
  }
  return data;
}

/** @param data where the n-gram table comes from (default: the process's one, read on first need) */
export function createEldDetector(data: () => EldData | undefined = eldData): LanguageDetector {
  return {
    scores(text: string): Map<string, number> {
      const out = new Map<string, number>();
      const d = data();
      if (!d) return out;
      const scores = eldScores(d, text);
      let best = 0;
      for (const [, v] of scores) if (v > best) best = v;
      if (best <= 0) return out;
      for (const [code, v] of scores) {
        const c = ALIASES[code] ?? code;
        const rel = v / best;
        if ((out.get(c) ?? 0) < rel) out.set(c, rel);
      }
      return out;
    },
  };
}

interface Marker {
  re: RegExp;
  /** profile id -> bonus (negative: the language does not write this letter) */
  votes: Record<string, number>;
}

// Letters that tell languages of one script apart. Checked on the lower-cased text as typed.
const MARKERS: Partial<Record<Script, Marker[]>> = {
  cyrillic: [
    // Macedonian only: ѓ ќ ѕ; with Serbian: љ њ џ ј
    { re: /[ѓќѕ]/u, votes: { mk: 0.6, 'bs-cyrl': -0.4, bg: -0.4, ru: -0.6 } },
    // Serbian only: ђ ћ
    { re: /[ђћ]/u, votes: { 'bs-cyrl': 0.6, mk: -0.4, bg: -0.4, ru: -0.6 } },
    { re: /[љњџј]/u, votes: { mk: 0.4, 'bs-cyrl': 0.4, bg: -0.4, ru: -0.6 } },
    // Russian only: ы э ё
    { re: /[ыэё]/u, votes: { ru: 0.5, bg: -0.5, mk: -0.6, 'bs-cyrl': -0.6 } },
    // Macedonian and Serbian write none of й щ ъ ь ю я
    { re: /[йщъьюя]/u, votes: { mk: -0.5, 'bs-cyrl': -0.5 } },
    // ъ inside a word and the article endings -ът/-ят: Bulgarian (Russian writes ъ rarely, before е ё ю я)
    { re: /ъ(?![еёюя])|[ъя]т(?=$|[^\p{L}])/u, votes: { bg: 0.3, ru: -0.2 } },
  ],
  arabic: [
    // Urdu only: ٹ ڈ ڑ ں ے ۓ ۂ ھ ہ
    { re: /[ٹڈڑںےۓۂھہ]/u, votes: { ur: 0.6, ar: -0.5 } },
    // keheh, gaf and Farsi yeh: Urdu (or Persian); Arabic writes ك ي
    { re: /[کگی]/u, votes: { ur: 0.3, ar: -0.2 } },
    { re: /[ةكى]/u, votes: { ar: 0.2, ur: -0.1 } },
  ],
  latin: [
    { re: /ə/u, votes: { az: 0.6, tr: -0.4 } },
    { re: /[ğış]/u, votes: { tr: 0.3, az: 0.3 } },
    { re: /[őű]/u, votes: { hu: 0.5 } },
    { re: /[ćđ]/u, votes: { bs: 0.5, 'mk-latn': -0.2, 'bg-latn': -0.2 } },
    { re: /[čšž]/u, votes: { bs: 0.2 } },
    { re: /[ñ¿¡]/u, votes: { es: 0.5 } },
    { re: /[àâèêëîïôùûœ]/u, votes: { fr: 0.3 } },
  ],
};

/** Letter evidence per profile id for a text whose dominant script is `script`. */
export function letterVotes(lower: string, script: Script): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of MARKERS[script] ?? []) {
    if (!m.re.test(lower)) continue;
    for (const [id, v] of Object.entries(m.votes)) out.set(id, (out.get(id) ?? 0) + v);
  }
  return out;
}
