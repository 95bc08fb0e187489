// One profile per language (Bulgarian has two: Cyrillic and Latin transliteration): its script,
// stop words, and how a lexicon word becomes a matching key.
//
// Matching is "key + bounded ending": a lexicon word is reduced once, at start, to a key (its stem:
// Snowball where one exists, a short list of endings elsewhere, never shorter than `minStem`
// letters); a question's word matches a key when the key is a prefix of it and what is left is at
// most `maxSuffix` letters. So "реклама", "реклами", "рекламите" all reach the key "реклам" with no
// stemming per question. Arabic and Indonesian also shed their prefixes (ال, و, ب / di-, me-, pe-).
import { createRequire } from 'node:module';
import type { Script } from './text.ts';
import { lazyStemmer } from './stemmers.ts';
import { foldKeeping, foldWord, wordScript } from './text.ts';

const require = createRequire(import.meta.url);
/** stopwords-iso (one JSON file of every language's list), read on the first list of it needed. */
let stopwordsIso: Record<string, string[] | undefined> | undefined;
const isoStops = (code: string): string[] => (stopwordsIso ??= require('stopwords-iso') as Record<string, string[] | undefined>)[code] ?? [];

export interface Profile {
  /** profile id: the language code, or bg-latn */
  id: string;
  /** ISO 639-1 code reported */
  language: string;
  script: Script;
  /** folded stop words */
  stop: Set<string>;
  /** key of one folded lexicon word (called at start only) */
  key(folded: string, lower: string): string;
  /** other forms of a folded question word to look up (without its prefixes) */
  variants?(folded: string): readonly string[];
  /**
   * Matching form of a folded word, when the language is matched in another script than some of
   * its words are written in: Bulgarian and Macedonian in Latin letters, Serbian Cyrillic read as
   * Latin. Applied to lexicon words and question words alike.
   */
  form?(folded: string, script: Script): string;
  minStem: number;
  /** most letters after a key that was cut from its word (a stem) */
  maxSuffix: number;
  /** most letters after a key that is a whole word ("insta" must not reach "installer"; default 3) */
  wordSuffix?: number;
  /**
   * Languages the statistical detector says for this profile's text when it does not know the
   * language itself (eld has no Macedonian, nor Bulgarian or Macedonian in Latin letters, nor Roman
   * Urdu); an empty list: a neutral score.
   */
  detectAs?: string[];
  /** Thai: matched as character sequences over Intl.Segmenter words */
  chars?: boolean;
  /**
   * Other beginnings that reach a key cut from a lexicon word, for consonants that change before an
   * ending (Turkish kaçakçılık/kaçakçılığı, Azerbaijani çətinlik/çətinliyə, Bosnian podaci/podataka).
   */
  alternates?(key: string): readonly string[];
  /**
   * Letters kept apart from their plain letter when typed (Azerbaijani ç: neçə "how many" is not
   * necə "how"); a word typed with the plain letter still reaches a lexicon word written with the
   * kept one, unless that would make it another lexicon word.
   */
  keep?: string;
  /**
   * Words of the stop-word list that stay stop words even when the lexicon uses them (function
   * words: interrogatives, pronouns, prepositions, auxiliaries), folded; see lexiconStops.
   */
  function?: Set<string>;
  /** Short words (three letters or fewer) that are content words all the same (Turkish iş, iyi), folded. */
  content?: Set<string>;
}

const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);

/** Longest common prefix of two strings. */
function common(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

/** A key from a stem: the folded stem, cut where it leaves the word (Turkish k/ğ, t/d), at least minStem letters of the word. */
function keyFromStem(folded: string, stemFolded: string, minStem: number): string {
  const c = common(folded, stemFolded);
  return folded.slice(0, Math.max(c.length, Math.min(folded.length, minStem)));
}

function snowballKey(algorithm: string, minStem: number, script: Script) {
  const stem = lazyStemmer(algorithm);
  return (folded: string, lower: string): string => keyFromStem(folded, foldWord(stem(lower), script), minStem);
}

/** Strip the longest listed ending (endings are folded), keeping at least minStem letters; repeat up to `rounds` times. */
function suffixKey(endings: string[], minStem: number, rounds = 1) {
  const sorted = [...new Set(endings.map((e) => foldWord(e, wordScript(e))))].sort((a, b) => b.length - a.length);
  return (folded: string): string => {
    let w = folded;
    for (let r = 0; r < rounds; r++) {
      const e = sorted.find((s) => w.endsWith(s) && w.length - s.length >= minStem);
      if (!e) break;
      w = w.slice(0, -e.length);
    }
    return w;
  };
}

// ---------- stop words ----------

// English: a short list of function words (stopwords-iso's English list holds "problem", "help", "information").
export const EN_STOP = new Set(
  words(`a about above after again against all am an and any are as at be because been before being below between both but by
  can could did do does doing down during each few for from further had has have having he her here hers him his how i if in
  into is it its itself just me more most my no nor not now of off on once only or other our ours out over own same she
  should so some such than that the their theirs them then there these they this those through to too under until up very
  was we were what when where which while who whom why will with would you your yours also there's it's i'm we're don't
  let us any anyone anybody someone somebody here there others`),
);

const MK_STOP = words(`и или но а на во од до за со без при по кон низ меѓу преку околу под над пред зад како што кој која кое кои чиј
  каде кога зошто колку дали ли е се сум си сме сте беше биле бил била било ќе би да не ни нема има имаат имаме го ја ги му ѝ
  им нè ве ме те тој таа тоа тие ние вие јас ти овој оваа ова овие тој оној сите секој некој ништо нешто само уште веќе исто
  многу малку повеќе така тука таму сега потоа од кај`);

const BS_EXTRA = words(`šta sta što sto kako koji koja koje kojim kojima gdje gde kada kad zašto zasto li je su se smo ste sam si
  bi bih biti ima imaju imamo nema nisu ali ili i a u na o od do za sa s sa iz kod po pri prema kroz preko između izmedju
  ovo ovaj ova ovi to taj ta ti oni mi vi ja ti neki neko nešto nesto sve svi svaki već vec još jos samo vrlo jako mnogo`);

const AZ_STOP = words(`və ilə da də ki bu o bir biz siz onlar mən sən nə necə niyə harada hara haqqında üçün kimi qədər sonra əvvəl
  daha çox az hər bəzi heç bütün ya yaxud amma lakin ancaq isə artıq hələ yenə belə elə var yox deyil olan olaraq olub olur
  edir etmək edə edən olmaq mi mı mu mü idi imiş kim hansı niyə ondan ona onu onun bizim sizin bunun bunu buna də`);

// Roman Urdu (Urdu typed in Latin letters): postpositions, auxiliaries, pronouns
const UR_LATIN_STOP = words(`ke ka ki kay mein main me men se say par pe ko aur or ya hai hain hay he tha thi the thay kya kia kaise kese
  kyun kyon kab kahan jo jis yeh ye yah woh wo vo hum ham aap ap tum mai mujhe hamein humein koi kuch bhi nahi nahin na to ne
  liye lie sath saath wala wali wale kar karna karte karen karein kiya gaya`);

/** Roman Urdu as typed: "aa"/"a", "ee"/"i", "oo"/"u", "w"/"v", "q"/"k", "y"/"i" are one letter each. */
export function urLatinCanon(s: string): string {
  return s.replace(/aa/g, 'a').replace(/ee|ii/g, 'i').replace(/oo|uu/g, 'u').replace(/w/g, 'v').replace(/q/g, 'k').replace(/y/g, 'i');
}

// Bengali typed in Latin letters: postpositions, auxiliaries, pronouns, question words
const BN_LATIN_STOP = words(`ki ke ki kivabe kibhabe kibabe kemon kemne kothay kobe keno koto kon ache achhe ase nei nai na er e o ar
  theke jonno jonne kore korte kora korbo korben korchen korche korcen korte hoy hoi hoye hobe hocche ta ti to gulo guli amra amar
  amader apni apnara apnader tumi tomra tara se ei oi ja je niye diye sathe shathe songe upor moddhe modhye te der ra kichu kono
  keu ekta ek bhabe vabe jodi tahole kintu ba othoba abong ebong r hole dorkar`);

/**
 * Bengali as typed in Latin letters: "bh"/"v", "sh"/"s", "ph"/"f", "z"/"j", doubled letters
 * ("biggapon"), a consonant's y-phala ("bigyapon") and "ee"/"i", "oo"/"u" are one spelling.
 */
export function bnLatinCanon(s: string): string {
  return s
    .replace(/bh/g, 'v')
    .replace(/sh/g, 's')
    .replace(/ph/g, 'f')
    .replace(/z/g, 'j')
    .replace(/([bcdfgjklmnpqrstv])y/g, '$1')
    .replace(/y/g, 'i')
    .replace(/aa/g, 'a')
    .replace(/ee|ii/g, 'i')
    .replace(/oo|uu/g, 'u')
    .replace(/([bcdfgjklmnpqrstv])\1/g, '$1');
}

const EXTRA_STOP: Record<string, string[]> = {
  ru: words('ли есть какие какой как кто-то кто-нибудь'),
  fr: words("qu quels quelles quel quelle est-ce"),
  bg: words('ли има какви как какво някой'),
  tr: words('mi mı mu mü var'),
  id: words('apa ada bagaimana siapa'),
};

function stopFor(code: string, script: Script, extra: string[] = []): Set<string> {
  const base = code === 'mk' ? MK_STOP : code === 'az' ? AZ_STOP : code === 'bs' ? [...isoStops('hr'), ...BS_EXTRA] : isoStops(code);
  const set = new Set([...base, ...extra, ...(EXTRA_STOP[code] ?? [])].map((w) => foldWord(w.toLowerCase(), script)));
  for (const w of words(NOT_STOP[code] ?? '')) set.delete(foldWord(w, script));
  return set;
}

/** A folded word list (FUNCTION, CONTENT) of a language, through a profile's form when it has one. */
function foldedList(list: string | undefined, script: Script, form?: (w: string, script: Script) => string): Set<string> {
  return new Set(words(list ?? '').map((w) => {
    const f = foldWord(w.toLowerCase(), wordScript(w));
    return form ? form(f, wordScript(w)) : f;
  }));
}

// ---------- Bulgarian and Macedonian in Latin letters, Serbian Cyrillic ----------

function translit(table: Record<string, string>): (s: string) => string {
  return (s) => {
    let out = '';
    for (const c of s) out += table[c] ?? c;
    return out;
  };
}

const BG_LATIN: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p',
  р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'h', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'sht', ъ: 'a', ь: 'y', ю: 'yu', я: 'ya',
};

/** Cyrillic Bulgarian to Latin (the official Streamlined System); other characters pass through. */
export const bgToLatin = translit(BG_LATIN);

/**
 * One spelling for the ways Bulgarian is typed in Latin letters: "ya", "ia", "q" (я); "y", "i" (й);
 * "zh", "j", "ž" (ж); "sh", "6", "š" (ш); "ch", "4", "č" (ч); "ts", "c", "tz" (ц); "w" (в); "x", "h"
 * (х). Applied to folded text (so "ž" is already "z").
 */
export function bgLatinCanon(s: string): string {
  return s
    .replace(/4/g, 'ch')
    .replace(/6/g, 'sh')
    .replace(/w/g, 'v')
    .replace(/x/g, 'h')
    .replace(/q/g, 'ya')
    .replace(/tz|ts/g, 'c')
    .replace(/y/g, 'i')
    .replace(/j/g, 'zh')
    .replace(/([zsc])h/g, '$1');
}

const MK_LATIN: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', ѓ: 'gj', е: 'e', ж: 'zh', з: 'z', ѕ: 'dz', и: 'i', ј: 'j', к: 'k', л: 'l', љ: 'lj',
  м: 'm', н: 'n', њ: 'nj', о: 'o', п: 'p', р: 'r', с: 's', т: 't', ќ: 'kj', у: 'u', ф: 'f', х: 'h', ц: 'c', ч: 'ch', џ: 'dzh', ш: 'sh',
};
const SR_LATIN: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', ђ: 'd', е: 'e', ж: 'z', з: 'z', и: 'i', ј: 'j', к: 'k', л: 'l', љ: 'lj', м: 'm',
  н: 'n', њ: 'nj', о: 'o', п: 'p', р: 'r', с: 's', т: 't', ћ: 'c', у: 'u', ф: 'f', х: 'h', ц: 'c', ч: 'c', џ: 'dz', ш: 's',
};

/**
 * Macedonian as typed in Latin letters: "shifrirani", "šifrirani", "sifrirani" are one word
 * (ѓ gj, ќ kj, ж zh, ш sh, ч ch, џ dzh: the digraph's h and the háček both go).
 */
export function mkLatinCanon(s: string): string {
  return s
    .replace(/4/g, 'ch')
    .replace(/6/g, 'sh')
    .replace(/w/g, 'v')
    .replace(/x/g, 'h')
    .replace(/ts/g, 'c')
    .replace(/([zscd])h/g, '$1')
    .replace(/([gk])j/g, '$1')
    .replace(/y/g, 'j');
}
const mkToLatin = translit(MK_LATIN);
const srToLatin = translit(SR_LATIN);

// ---------- Arabic and Indonesian prefixes ----------

const AR_PREFIXES = ['وال', 'بال', 'فال', 'كال', 'لل', 'ال', 'و', 'ف', 'ب', 'ل', 'ك'].map((p) => foldWord(p, 'arabic'));
const AR_SUFFIXES = ['ات', 'ين', 'ون', 'ان', 'ها', 'هم', 'ية', 'ه', 'ي', 'ة'].map((p) => foldWord(p, 'arabic'));

function arabicStrip(w: string): string {
  for (const p of AR_PREFIXES) if (w.startsWith(p) && w.length - p.length >= 3) return w.slice(p.length);
  return w;
}

function arabicVariants(w: string): readonly string[] {
  const out: string[] = [];
  for (const p of AR_PREFIXES) if (w.startsWith(p) && w.length - p.length >= 3) out.push(w.slice(p.length));
  return out;
}

const arabicSuffixKey = suffixKey(AR_SUFFIXES, 3);

// meN-/peN- change the root's first letter: menangani <- tangani, penyelundupan <- selundup, memukul <- pukul, mengirim <- kirim
const ID_PREFIXES: [string, string[]][] = [
  ['meny', ['s']], ['peny', ['s']], ['meng', ['', 'k']], ['peng', ['', 'k']], ['mem', ['p', '']], ['pem', ['p', '']],
  ['men', ['t', '']], ['pen', ['t', '']], ['per', ['']], ['ber', ['']], ['ter', ['']], ['me', ['']], ['pe', ['']], ['di', ['']],
  ['ke', ['']], ['se', ['']],
];

function indonesianVariants(w: string): readonly string[] {
  const out: string[] = [];
  for (const [p, subs] of ID_PREFIXES) {
    if (!w.startsWith(p) || w.length - p.length < 4) continue;
    for (const s of subs) out.push(s + w.slice(p.length));
  }
  return out;
}

const indonesianEndings = suffixKey(['nya', 'kan', 'an', 'i'], 4, 2);
/**
 * The particles -lah/-kah come off only when at least six letters are left: masalah, langkah,
 * sekolah, rumah tangga keep them (roots), while a listed word rarely carries a particle anyway
 * (a question's "masalahnya", "apakah" still reach their key with the ending allowed after it).
 */
function indonesianSuffixKey(folded: string): string {
  const w = /(?:lah|kah)$/.test(folded) && folded.length - 3 >= 6 ? folded.slice(0, -3) : folded;
  return indonesianEndings(w);
}

// ---------- consonant alternations ----------

/**
 * Turkish and Azerbaijani: a final k p t ç of a word becomes ğ (Az. also y) b d c before a vowel
 * (kaçakçılık -> kaçakçılığı, kitap -> kitabı, çətinlik -> çətinliyə). Keys are folded (ğ -> g,
 * ç -> c, ı -> i), so only k/g/y, p/b and t/d are left to add.
 */
function turkicAlternates(extra: string[]) {
  return (key: string): readonly string[] => {
    const last = key[key.length - 1];
    const stem = key.slice(0, -1);
    if (last === 'k' || last === 'q') return [stem + 'g', ...extra.map((e) => stem + e)];
    if (last === 'p') return [stem + 'b'];
    if (last === 't') return [stem + 'd'];
    return [];
  };
}

/**
 * Bosnian/Croatian/Serbian: k becomes c before -i (podatak, podaci; korisnik, korisnici), with a
 * fleeting a (podatak/podataka/podatku) and t/d lost before c (podatci = podaci). A key ending in c
 * is also reached through k, ak, tk, tak; a key ending in k through c.
 */
function bsAlternates(key: string): readonly string[] {
  const last = key[key.length - 1];
  const stem = key.slice(0, -1);
  if (last === 'c') return [stem + 'k', stem + 'ak', stem + 'tk', stem + 'tak'];
  if (last === 'k') return [stem.replace(/a$/, '') + 'c'];
  return [];
}

// ---------- stop words the lexicon uses ----------

/**
 * Function words that stay stop words even when a lexicon phrase uses them ("cómo lo manejan",
 * "comment faire"): interrogatives, pronouns, prepositions, conjunctions, auxiliaries and light
 * verbs of four letters or more (shorter stop words stay stop words anyway, but for `CONTENT`).
 * Any other word of a language's lexicon is no stop word of that language (see lexiconStops).
 */
const FUNCTION: Record<string, string> = {
  fr: `comment autres vous nous sont quels quelles quelle etait quand combien quoi aura tous toutes avec contre entre vers sous
    sans pour dans chez leur leurs elle elles cette celui alors donc mais etre avoir avez avons fait font faites faire peut
    peuvent aussi tres`,
  es: `como otros otras hacen podemos hacer puede pueden quien quienes cuando donde cuantos cuantas cual cuales hasta luego
    tengan estas esta este estos estan entre contra para sobre desde todos todas haya poder muchas mucho muchos tiene tienen`,
  hu: `hogyan masok milyen mikor melyik valami valaki lehet lesz volt lett miben nagyon minden mindenki kerem kerlek vagytok
    vannak hogy ezek azok amely amelyek`,
  tr: `nasil hangi kadar nerede nerde gibi olan oldu olarak olmak olur kimse burada biri herkes yoluyla neye nedir icin ancak
    fakat daha sonra`,
  az: `nece edir olan hansi harada qeder artiq olur etmek edir haqqinda ucun kimi sonra`,
  bs: `kako neko netko koji koja koje kojim kojima kada gdje biti treba mogu moze`,
  id: `bagaimana siapa kapan berapa banyak mana saja semua semuanya sampai saya nanti bisa dapat tidak secara menjadi melakukan
    terhadap dengan kepada lebih sekali pernah yang dari untuk pada oleh atau juga akan sudah telah harus adalah agar`,
  ru: `как другие других что делать можно сделать есть какой какие какая какое кому нибудь кто когда сколько где такое было
    будет всем всего здесь пока для были была быть много`,
  bg: `какво може някой някои какви какъв кога колко къде беше бъде всички всичко през между направи`,
  mk: `како дали некој кога колку каде беше сите многу тука меѓу`,
  ar: `ماذا يمكن الذي عليه هناك`,
  ur: `کوئی والے والی دیتے ہوئے ہیں`,
  'ur-latn': `kaise hain karna`,
  bn: `করে করতে পারি করা যায় কেউ হয়েছেন হয়েছে হবে থাকবেন আছে এখানে যাওয়া থেকে থাকা দেওয়া কাছে আমরা`,
};

/** Stop words of three letters or fewer that are content words (Turkish iş "work", iyi "good", yüz "face"). */
const CONTENT: Record<string, string> = {
  tr: 'iş iyi ilk yüz',
  hu: 'jó új sok',
  id: 'isu',
};

/**
 * Words that are no stop words though the stop-word list has them, whether or not the lexicon
 * uses them yet (found by the lexicon writers: "trata", "trabajo" in stopwords-iso's Spanish list).
 */
const NOT_STOP: Record<string, string> = {
  es: 'trata trabajo empleo estados siguiente siguientes próxima próximo',
  tr: 'iş iyi diğer kaynak yeniden',
  id: 'masalah sama lanjut berikutnya selanjutnya mendatang',
};

/**
 * The stop words of a profile for its lexicon: a word the lexicon uses (the folded matching forms of
 * its terms' words, small talk excluded) is no stop word, unless it is a function word (FUNCTION) or
 * three letters or shorter (but for CONTENT).
 */
export function lexiconStops(profile: Profile, lexiconWords: Iterable<string>): Set<string> {
  const out = new Set(profile.stop);
  const fn = profile.function ?? new Set<string>();
  const content = profile.content ?? new Set<string>();
  for (const w of lexiconWords) {
    if (!out.has(w) || fn.has(w)) continue;
    if ([...w].length <= 3 && !content.has(w)) continue;
    out.delete(w);
  }
  for (const w of content) out.delete(w);
  return out;
}

// ---------- profiles ----------

const BG_ENDINGS = words('ите ата ето ът ят та то те ия ият ии ове еве ища ни на но ен ска ски ско и а о е я');

const MK_ENDINGS = words('ите ата ото иве ови от та то те ва на ни но ен ска ски ско и а о е');
const BS_ENDINGS = words('ovima evima ima ama ovi evi ova eva om em og ih im oj u a e i o');

/** Words in Cyrillic go through `cyr`, then everything through `canon`. */
const formWith = (cyr: (s: string) => string, canon: (s: string) => string = (x) => x) => (folded: string, script: Script): string =>
  canon(script === 'cyrillic' ? cyr(folded) : folded);

const SLAVIC_LATIN = ['bs', 'sl', 'cs', 'sk', 'pl'];

export function createProfiles(): Profile[] {
  const bgLatin = formWith(bgToLatin, bgLatinCanon);
  const mkLatin = formWith(mkToLatin, mkLatinCanon);
  const srLatin = formWith(srToLatin);
  const mapSet = (set: Set<string>, f: (s: string, script: Script) => string, script: Script) => new Set([...set].map((w) => f(w, script)));
  const defs: (Omit<Profile, 'stop'> & { stop: () => Set<string> })[] = [
    { id: 'fr', language: 'fr', script: 'latin', stop: () => stopFor('fr', 'latin'), key: snowballKey('french', 4, 'latin'), minStem: 4, maxSuffix: 5 },
    { id: 'es', language: 'es', script: 'latin', stop: () => stopFor('es', 'latin'), key: snowballKey('spanish', 4, 'latin'), minStem: 4, maxSuffix: 5 },
    { id: 'hu', language: 'hu', script: 'latin', stop: () => stopFor('hu', 'latin'), key: snowballKey('hungarian', 4, 'latin'), minStem: 4, maxSuffix: 7, wordSuffix: 5 },
    {
      id: 'tr', language: 'tr', script: 'latin', stop: () => stopFor('tr', 'latin'), key: snowballKey('turkish', 4, 'latin'), alternates: turkicAlternates([]),
      minStem: 4, maxSuffix: 7, wordSuffix: 5,
    },
    {
      id: 'az', language: 'az', script: 'latin', stop: () => new Set([...AZ_STOP].map((w) => foldKeeping(w, 'latin', 'ç'))), keep: 'ç', alternates: turkicAlternates(['y']),
      key: suffixKey(words('larının lərinin larını lərini ları ləri lar lər nın nin nun nün dan dən tan tən da də ta tə ya yə na nə la lə ın in un ün ı i u ü a ə sı si su sü'), 4, 3),
      minStem: 4, maxSuffix: 7, wordSuffix: 5,
    },
    {
      id: 'bs', language: 'bs', script: 'latin', stop: () => stopFor('bs', 'latin'),
      key: suffixKey(BS_ENDINGS, 4), alternates: bsAlternates,
      minStem: 4, maxSuffix: 4,
    },
    { id: 'id', language: 'id', script: 'latin', stop: () => stopFor('id', 'latin'), key: indonesianSuffixKey, variants: indonesianVariants, minStem: 4, maxSuffix: 5 },
    {
      id: 'bg-latn', language: 'bg', script: 'latin', stop: () => mapSet(stopFor('bg', 'cyrillic'), bgLatin, 'cyrillic'),
      key: suffixKey(BG_ENDINGS.map((e) => bgLatin(e, 'cyrillic')), 4), form: bgLatin, minStem: 4, maxSuffix: 4,
      detectAs: SLAVIC_LATIN,
    },
    {
      id: 'mk-latn', language: 'mk', script: 'latin', stop: () => mapSet(stopFor('mk', 'cyrillic'), mkLatin, 'cyrillic'),
      key: suffixKey(MK_ENDINGS.map((e) => mkLatin(e, 'cyrillic')), 4), form: mkLatin, minStem: 4, maxSuffix: 4,
      detectAs: SLAVIC_LATIN,
    },
    {
      id: 'bs-cyrl', language: 'bs', script: 'cyrillic', stop: () => stopFor('bs', 'latin'),
      key: suffixKey(BS_ENDINGS, 4), alternates: bsAlternates, form: srLatin, minStem: 4, maxSuffix: 4,
    },
    { id: 'ru', language: 'ru', script: 'cyrillic', stop: () => stopFor('ru', 'cyrillic'), key: snowballKey('russian', 4, 'cyrillic'), minStem: 4, maxSuffix: 5 },
    { id: 'bg', language: 'bg', script: 'cyrillic', stop: () => stopFor('bg', 'cyrillic'), key: suffixKey(BG_ENDINGS, 4), minStem: 4, maxSuffix: 4 },
    {
      id: 'mk', language: 'mk', script: 'cyrillic', stop: () => stopFor('mk', 'cyrillic'),
      key: suffixKey(MK_ENDINGS, 4),
      minStem: 4, maxSuffix: 4, detectAs: ['bg', 'bs'],
    },
    {
      id: 'ar', language: 'ar', script: 'arabic', stop: () => stopFor('ar', 'arabic'),
      key: (folded) => arabicSuffixKey(arabicStrip(folded)), variants: arabicVariants, minStem: 3, maxSuffix: 3,
    },
    {
      id: 'ur', language: 'ur', script: 'arabic', stop: () => stopFor('ur', 'arabic'),
      key: suffixKey(['وں', 'یں', 'یاں', 'ے', 'ی', 'ا'].map((e) => foldWord(e, 'arabic')), 3), minStem: 3, maxSuffix: 3,
    },
    {
      id: 'ur-latn', language: 'ur', script: 'latin', stop: () => new Set(UR_LATIN_STOP.map(urLatinCanon)),
      key: suffixKey(words('iyan ein on en e i a'), 4), form: (w) => urLatinCanon(w), minStem: 4, maxSuffix: 3,
      detectAs: [],
    },
    {
      id: 'bn', language: 'bn', script: 'bengali', stop: () => stopFor('bn', 'bengali'),
      key: suffixKey(words('গুলো গুলি গুলোর দের ের এর কে তে টি টা রা য় র ে').map((e) => foldWord(e, 'bengali')), 3),
      // endings are counted in UTF-16 units: গুলো is four
      minStem: 3, maxSuffix: 5, wordSuffix: 5,
    },
    {
      id: 'bn-latn', language: 'bn', script: 'latin', stop: () => new Set(BN_LATIN_STOP.map(bnLatinCanon)),
      key: suffixKey(words('gulo guli der er ra te ke e r'), 4), form: (w) => bnLatinCanon(w), minStem: 4, maxSuffix: 4,
      detectAs: [],
    },
    { id: 'th', language: 'th', script: 'thai', stop: () => stopFor('th', 'thai'), key: (f) => f, minStem: 99, maxSuffix: 0, chars: true },
    { id: 'en', language: 'en', script: 'latin', stop: () => new Set([...EN_STOP].map((w) => foldWord(w, 'latin'))), key: snowballKey('english', 3, 'latin'), minStem: 3, maxSuffix: 3 },
  ];
  // Stop words and word lists are folded when a matcher first needs them: a question builds the matchers of
  // its script only (an English one, English's alone), so the other languages' lists cost nothing at start.
  return defs.map(({ stop, ...def }) => {
    const p = def as Profile;
    // FUNCTION and CONTENT are written per language in its own script; Latin Bulgarian and Macedonian and
    // Cyrillic Bosnian read them through their form
    const lang = p.id === 'ur-latn' || p.id === 'bn-latn' ? p.id : p.language;
    const folded = (w: string, script: Script) => (p.keep ? foldKeeping(w, script, p.keep) : foldWord(w, script));
    const fold = (w: string, script: Script) => (p.form ? p.form(folded(w, script), script) : folded(w, script));
    const list = (ws: string | undefined) => new Set(words(ws ?? '').map((w) => fold(w.toLowerCase(), wordScript(w))));
    lazyProperty(p, 'stop', stop);
    lazyProperty(p, 'function', () => list(FUNCTION[lang]));
    lazyProperty(p, 'content', () => list(CONTENT[lang]));
    return p;
  });
}

/** Defines `key` of `o` as computed by `make` on first read (an own, enumerable, writable-through-set property). */
function lazyProperty<K extends 'stop' | 'function' | 'content'>(o: Profile, key: K, make: () => NonNullable<Profile[K]>): void {
  let value: NonNullable<Profile[K]> | undefined;
  const set = (v: NonNullable<Profile[K]>) => void (value = v);
  Object.defineProperty(o, key, { enumerable: true, configurable: true, get: () => (value ??= make()), set });
}
