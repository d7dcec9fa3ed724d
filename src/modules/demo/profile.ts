import { sampleBeta, type Rng } from '../../analytics/random.ts';
import type { CustomerInput } from '../customers/index.ts';
import { chance, intBetween, pick, Weighted } from './choose.ts';
import { FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES } from './names.ts';
import { BUILDING_KINDS, BUILDING_NAMES, PREFECTURE_TABLE, TOWNS } from './places.ts';

/** Family names by rank: the commonest (佐藤) is about eight times as frequent as the hundredth. */
const familyNames = new Weighted(FAMILY_NAMES.map((n, rank) => [n, 1 / (rank + 15)] as const));
const prefectures = new Weighted(PREFECTURE_TABLE.map((p) => [p, p.population] as const));
const mobilePrefixes = new Weighted([['90', 45], ['80', 40], ['70', 15]] as const);
const mailDomains = new Weighted([['example.com', 6], ['example.net', 3], ['example.org', 1]] as const);
const acquisitionChannels = new Weighted([
  ['organic_search', 30], ['paid_search', 15], ['instagram', 15], ['line', 12], ['referral', 8], ['direct', 20],
] as const);

export type PersonalData = Omit<CustomerInput, 'createdAt' | 'consents' | 'accountExternalId'>;

/**
 * Who a customer is: a Japanese name with its reading, contact details on reserved example domains
 * (nothing here can reach a real inbox), an address in a population-weighted prefecture.
 */
export function makePersonalData(rng: Rng, externalId: string, index: number, end: Date, mailDomain?: string): PersonalData {
  const female = chance(rng, 0.65);
  const family = familyNames.pick(rng);
  const given = pick(rng, female ? FEMALE_GIVEN_NAMES : MALE_GIVEN_NAMES);
  const prefecture = prefectures.pick(rng);
  const city = pick(rng, prefecture.cities);
  const hex = Array.from({ length: 4 }, () => ((rng.next() * 2 ** 32) >>> 0).toString(16).padStart(8, '0')).join('');
  const phone = chance(rng, 0.75) ? `+81${mobilePrefixes.pick(rng)}${intBetween(rng, 1, 9)}${String(intBetween(rng, 0, 9_999_999)).padStart(7, '0')}` : null;
  // Ages 18–80, most between 30 and 55.
  const age = 18 + Math.floor(62 * sampleBeta(rng, 2.2, 3.2));
  const birthday = new Date(end.getTime() - (age * 365.25 + intBetween(rng, 0, 364)) * 86_400_000).toISOString().slice(0, 10);
  const building = chance(rng, 0.45) ? `${pick(rng, BUILDING_KINDS)}${pick(rng, BUILDING_NAMES)} ${intBetween(rng, 1, 12)}0${intBetween(rng, 1, 9)}号室` : null;
  return {
    externalId,
    email: `${mailbox(rng, given.romaji, family.romaji)}${index + 1}@${mailDomain ?? mailDomains.pick(rng)}`,
    phone,
    lineUserId: chance(rng, 0.3) ? `U${hex}` : null,
    familyName: family.kanji,
    givenName: given.kanji,
    familyNameKana: family.kana,
    givenNameKana: given.kana,
    birthday: chance(rng, 0.92) ? birthday : null,
    postalCode: `${city.postalPrefix}${String(intBetween(rng, 0, 9999)).padStart(4, '0')}`,
    prefecture: prefecture.name,
    city: city.name,
    addressLine1: `${pick(rng, TOWNS)}${intBetween(rng, 1, 5)}丁目${intBetween(rng, 1, 30)}-${intBetween(rng, 1, 20)}`,
    addressLine2: building,
    country: 'JP',
    locale: 'ja',
    timeZone: 'Asia/Tokyo',
    attributes: { gender: female ? 'female' : 'male', acquisitionChannel: acquisitionChannels.pick(rng) },
  };
}

/** The part of the address before the customer number, which keeps every address unique. */
function mailbox(rng: Rng, given: string, family: string): string {
  switch (intBetween(rng, 0, 3)) {
    case 0:
      return `${given}.${family}`;
    case 1:
      return `${family}.${given}`;
    case 2:
      return `${given}${family[0]}`;
    default:
      return `${family}_${given}`;
  }
}
