// Language evidence that does not come from the lexicon: a statistical detector (eld, n-grams of
// 60 languages, no network, no weights to fetch) and letters only some languages write.
//
// The detector alone is unreliable on 3-word questions and does not know Macedonian or Bosnian
// (it says bg/sr/hr) nor Indonesian from Malay, so its scores are one vote among three; see
// interpreter.ts for how they are combined.
import type { Script } from './text.ts';

export interface LanguageDetector {
  /** Scores per ISO 639-1 code, the best 1 and the others relative to it; empty when nothing was detected. */
  scores(text: string): Map<string, number>;
}

/** eld codes folded onto the languages the lexicon has (Malay reads as Indonesian, Croatian/Serbian as Bosnian). */
const ALIASES: Record<string, string> = { ms: 'id', hr: 'bs', sr: 'bs' };

/** eld's n-gram data takes about a second to import: it is loaded on demand (preloadEld), never at
 *  import time, so `practice-bot ask` and the console start without it. */
let eldModule: typeof import('eld/small') | undefined;
let loading: Promise<void> | undefined;

/** Loads the detector's data; until it resolves, every eld detector answers "nothing detected"
 *  (the lexicons, stop words and letters still decide the language). */
export function preloadEld(): Promise<void> {
  loading ??= import('eld/small').then((m) => {
    eldModule = m;
  });
  return loading;
}

export function createEldDetector(): LanguageDetector {
  let detector: ReturnType<typeof import('eld/small')['eld']['newInstance']> | undefined;
  return {
    scores(text: string): Map<string, number> {
      const out = new Map<string, number>();
      if (!eldModule) return out;
      detector ??= eldModule.eld.newInstance();
      const r = detector.detect(text);
      const scores = r.getScores();
      let best = 0;
      for (const v of Object.values(scores)) if (v > best) best = v;
      if (best <= 0) return out;
      for (const [code, v] of Object.entries(scores)) {
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
