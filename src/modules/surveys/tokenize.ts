import { createRequire } from 'node:module';
import path from 'node:path';
import kuromoji from 'kuromoji';

/**
 * Terms of free-text answers: Japanese through kuromoji (nouns and adjectives, in their dictionary
 * form), anything else through a plain word splitter with English stopwords. The kuromoji
 * dictionary (about 17 MB unpacked) is loaded on first use and kept for the process.
 */
type Tokenizer = kuromoji.Tokenizer<kuromoji.IpadicFeatures>;

const DICT = path.join(path.dirname(createRequire(import.meta.url).resolve('kuromoji/package.json')), 'dict');
let tokenizer: Promise<Tokenizer> | undefined;

function japaneseTokenizer(): Promise<Tokenizer> {
  tokenizer ??= new Promise<Tokenizer>((resolve, reject) => {
    kuromoji.builder({ dicPath: DICT }).build((err, t) => (err ? reject(err) : resolve(t)));
  }).catch((err: unknown) => {
    tokenizer = undefined;
    throw err;
  });
  return tokenizer;
}

const JAPANESE = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u;

export const ENGLISH_STOPWORDS = new Set(
  `a about above after again against all also am an and any are as at be because been before being below between both but by can could did do does doing
  don't down during each even ever few for from further get got had has have having he her here hers him his how i i'm if in into is it it's its itself
  just like me more most much my no nor not now of off on once only or other our ours out over own really same she should so some such than that the their
  them then there these they this those through to too under until up us very was we were what when where which while who whom why will with would you
  your yours im ive dont didnt wasnt isnt cant thing things one lot bit`.split(/\s+/),
);

/** Nouns that carry no theme (pronouns, counters, "こと", "もの", suffixes). */
const SKIP_NOUN_KINDS = new Set(['代名詞', '非自立', '数', '接尾', '特殊']);
const JAPANESE_STOPWORDS = new Set(['こと', 'もの', 'よう', 'ため', 'それ', 'これ', 'さん', 'とき', '時', '方', 'ん', 'の', 'いい', 'ない', 'よい', '良い']);

export function englishTerms(text: string): string[] {
  const words = text.toLowerCase().normalize('NFKC').match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? [];
  // Auxiliaries with "n't" are stopwords too (the negation itself is not a theme).
  return words.filter((w) => w.length >= 3 && !ENGLISH_STOPWORDS.has(w) && !/n't$/.test(w) && !/^\d+$/.test(w));
}

function japaneseTerms(t: Tokenizer, text: string): string[] {
  const out: string[] = [];
  for (const token of t.tokenize(text.normalize('NFKC'))) {
    const term = token.basic_form && token.basic_form !== '*' ? token.basic_form : token.surface_form;
    if (token.pos === '名詞' && !SKIP_NOUN_KINDS.has(token.pos_detail_1)) {
      if (/^[\p{L}\p{N}]+$/u.test(term) && !/^[\p{Script=Latin}\d]+$/u.test(term) && term.length >= 1 && !JAPANESE_STOPWORDS.has(term)) out.push(term);
      else if (/^\p{Script=Latin}+$/u.test(term)) out.push(...englishTerms(term));
    } else if (token.pos === '形容詞' && token.pos_detail_1 === '自立' && !JAPANESE_STOPWORDS.has(term)) {
      out.push(term);
    }
  }
  return out;
}

/** The terms of each text, in order; Japanese texts need the dictionary, loaded only if one is present. */
export async function termsOf(texts: string[]): Promise<string[][]> {
  const t = texts.some((x) => JAPANESE.test(x)) ? await japaneseTokenizer() : undefined;
  return texts.map((x) => (t && JAPANESE.test(x) ? japaneseTerms(t, x) : englishTerms(x)));
}
