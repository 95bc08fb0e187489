// Country names (with their capitals and a few other meeting cities) for reading a meeting's place,
// hosts and attending countries out of its summary.

/** country:capital pairs; a country may be followed by other names it goes by (|). */
const COUNTRIES = `Afghanistan:Kabul;Albania:Tirana;Algeria:Algiers;Andorra:Andorra la Vella;Angola:Luanda;Argentina:Buenos Aires;
Armenia:Yerevan;Australia:Canberra;Austria:Vienna;Azerbaijan:Baku;Bahrain:Manama;Bangladesh:Dhaka;Belarus:Minsk;Belgium:Brussels;
Benin:Porto-Novo;Bhutan:Thimphu;Bolivia:La Paz;Bosnia and Herzegovina:Sarajevo;Botswana:Gaborone;Brazil:Brasília;Brunei:Bandar Seri Begawan;
Bulgaria:Sofia;Burkina Faso:Ouagadougou;Burundi:Gitega;Cambodia:Phnom Penh;Cameroon:Yaoundé;Canada:Ottawa;Cape Verde|Cabo Verde:Praia;
Central African Republic:Bangui;Chad:N'Djamena;Chile:Santiago;China:Beijing;Colombia:Bogotá;Comoros:Moroni;Costa Rica:San José;
Côte d'Ivoire|Ivory Coast:Yamoussoukro;Croatia:Zagreb;Cuba:Havana;Cyprus:Nicosia;Czechia|Czech Republic:Prague;
Democratic Republic of the Congo|DR Congo|DRC:Kinshasa;Denmark:Copenhagen;Djibouti:Djibouti;Dominican Republic:Santo Domingo;Ecuador:Quito;
Egypt:Cairo;El Salvador:San Salvador;Equatorial Guinea:Malabo;Eritrea:Asmara;Estonia:Tallinn;Eswatini:Mbabane;Ethiopia:Addis Ababa;
Fiji:Suva;Finland:Helsinki;France:Paris;Gabon:Libreville;Gambia|The Gambia:Banjul;Georgia:Tbilisi;Germany:Berlin;Ghana:Accra;Greece:Athens;
Guatemala:Guatemala City;Guinea:Conakry;Guinea-Bissau:Bissau;Haiti:Port-au-Prince;Honduras:Tegucigalpa;Hungary:Budapest;Iceland:Reykjavik;
India:New Delhi;Indonesia:Jakarta;Iran:Tehran;Iraq:Baghdad;Ireland:Dublin;Israel:Jerusalem;Italy:Rome;Jamaica:Kingston;Japan:Tokyo;
Jordan:Amman;Kazakhstan:Astana;Kenya:Nairobi;Kosovo:Pristina;Kuwait:Kuwait City;Kyrgyzstan|Kyrgyz Republic:Bishkek;Laos|Lao PDR:Vientiane;
Latvia:Riga;Lebanon:Beirut;Lesotho:Maseru;Liberia:Monrovia;Libya:Tripoli;Liechtenstein:Vaduz;Lithuania:Vilnius;Luxembourg:Luxembourg;
Madagascar:Antananarivo;Malawi:Lilongwe;Malaysia:Kuala Lumpur;Maldives:Malé;Mali:Bamako;Malta:Valletta;Mauritania:Nouakchott;
Mauritius:Port Louis;Mexico:Mexico City;Moldova|Republic of Moldova:Chișinău;Monaco:Monaco;Mongolia:Ulaanbaatar;Montenegro:Podgorica;
Morocco:Rabat;Mozambique:Maputo;Myanmar:Naypyidaw;Namibia:Windhoek;Nauru:Yaren;Nepal:Kathmandu;Netherlands|the Netherlands:Amsterdam;
New Zealand:Wellington;Nicaragua:Managua;Niger:Niamey;Nigeria:Abuja;North Macedonia:Skopje;Norway:Oslo;Oman:Muscat;Pakistan:Islamabad;
Palestine:Ramallah;Panama:Panama City;Papua New Guinea:Port Moresby;Paraguay:Asunción;Peru:Lima;Philippines:Manila;Poland:Warsaw;
Portugal:Lisbon;Qatar:Doha;Republic of the Congo:Brazzaville;Romania:Bucharest;Russia|Russian Federation:Moscow;Rwanda:Kigali;
Samoa:Apia;San Marino:San Marino;Saudi Arabia:Riyadh;Senegal:Dakar;Serbia:Belgrade;Seychelles:Victoria;Sierra Leone:Freetown;
Singapore:Singapore;Slovakia:Bratislava;Slovenia:Ljubljana;Solomon Islands:Honiara;Somalia:Mogadishu;South Africa:Pretoria;
South Korea|Republic of Korea:Seoul;South Sudan:Juba;Spain:Madrid;Sri Lanka:Colombo;Sudan:Khartoum;Suriname:Paramaribo;Sweden:Stockholm;
Switzerland:Bern;Syria:Damascus;Tajikistan:Dushanbe;Tanzania:Dodoma;Thailand:Bangkok;Timor-Leste:Dili;Togo:Lomé;Tonga:Nukuʻalofa;
Tunisia:Tunis;Türkiye|Turkey:Ankara;Turkmenistan:Ashgabat;Uganda:Kampala;Ukraine:Kyiv;United Arab Emirates|UAE:Abu Dhabi;
United Kingdom|UK:London;United States|USA|United States of America:Washington;Uruguay:Montevideo;Uzbekistan:Tashkent;Vanuatu:Port Vila;
Venezuela:Caracas;Viet Nam|Vietnam:Hanoi;Yemen:Sana'a;Zambia:Lusaka;Zimbabwe:Harare`;

/** Cities that host meetings but are no capital, with their country. */
const OTHER_CITIES = `The Hague:Netherlands;Geneva:Switzerland;Lyon:France;Strasbourg:France;Istanbul:Türkiye;New York:United States;
Rotterdam:Netherlands;Antalya:Türkiye;Thessaloniki:Greece;Milan:Italy;Munich:Germany;Frankfurt:Germany;Barcelona:Spain;Dubai:United Arab Emirates;
Lagos:Nigeria;Karachi:Pakistan;Lahore:Pakistan;Erbil:Iraq;Casablanca:Morocco;Bali:Indonesia;Sydney:Australia;Almaty:Kazakhstan;Plovdiv:Bulgaria;
Varna:Bulgaria;Burgas:Bulgaria`;

export interface Country {
  name: string;
  names: string[];
  capital: string;
}

export const COUNTRY_LIST: Country[] = COUNTRIES.replace(/\n/g, '')
  .split(';')
  .map((pair) => {
    const [names, capital] = pair.split(':') as [string, string];
    const all = names.split('|').map((n) => n.trim());
    return { name: all[0]!, names: all, capital: capital.trim() };
  });

/** city -> country */
export const CITIES = new Map<string, string>([
  ...COUNTRY_LIST.map((c) => [c.capital, c.name] as [string, string]),
  ...OTHER_CITIES.replace(/\n/g, '')
    .split(';')
    .map((p) => p.split(':').map((x) => x.trim()) as [string, string]),
]);

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const byLength = (a: string, b: string) => b.length - a.length;
const countryNames = new Map<string, string>();
for (const c of COUNTRY_LIST) for (const n of c.names) countryNames.set(n.toLowerCase(), c.name);
const COUNTRY_RE = new RegExp(`(?<![\\p{L}])(${[...countryNames.keys()].sort(byLength).map(esc).join('|')})(?![\\p{L}])`, 'giu');
const CITY_RE = new RegExp(`(?<![\\p{L}])(${[...CITIES.keys()].sort(byLength).map(esc).join('|')})(?![\\p{L}])`, 'gu');

/** Countries named in a text, in order, each once, under their usual name. Only capitalised
 *  mentions count ("Georgia", not "georgia"; "Chad" the country, not a name in lower case). */
export function countriesIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(COUNTRY_RE)) {
    const raw = m[1]!;
    if (!/^\p{Lu}/u.test(raw.replace(/^the /, 'The '))) continue;
    if (raw.length <= 3 && raw !== raw.toUpperCase()) continue;
    const name = countryNames.get(raw.toLowerCase());
    if (name && !out.includes(name)) out.push(name);
  }
  return out;
}

/** Cities named in a text, in order, with their country. */
export function citiesIn(text: string): { city: string; country: string; index: number }[] {
  const out: { city: string; country: string; index: number }[] = [];
  for (const m of text.matchAll(CITY_RE)) out.push({ city: m[1]!, country: CITIES.get(m[1]!)!, index: m.index });
  return out;
}
