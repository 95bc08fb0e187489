// Data for the personal-data guard (./pii.ts): common given names in the member countries'
// languages, Latin and Cyrillic (and a few in Arabic script), and the titles and roles that
// introduce a person. A short list is enough: a name only counts when it comes with a date of
// birth, a home address or an ID-like number, and the surname endings and titles in ./pii.ts
// catch most names that are not listed. Lower case; compared after lower-casing.

export const GIVEN_NAMES: readonly string[] = [
  // Bulgarian / Macedonian / Bosnian / Serbian / Croatian (Latin)
  'ivan', 'georgi', 'dimitar', 'dimitri', 'petar', 'petr', 'nikolai', 'nikolay', 'nikola', 'stefan', 'aleksandar', 'alexander',
  'hristo', 'todor', 'vasil', 'boris', 'yordan', 'jordan', 'krasimir', 'plamen', 'lyubomir', 'tsvetan', 'angel', 'stoyan',
  'maria', 'marija', 'elena', 'ivana', 'desislava', 'gergana', 'nadezhda', 'snezhana', 'tsvetelina', 'yana', 'milena',
  'marko', 'goran', 'zoran', 'dragan', 'dejan', 'milan', 'nenad', 'vladimir', 'biljana', 'jovana', 'jelena', 'vesna', 'sanja',
  'amir', 'emir', 'adnan', 'haris', 'mirza', 'edin', 'senad', 'nermin', 'kenan', 'admir', 'amra', 'lejla', 'emina', 'selma',
  'ajla', 'amela', 'aida', 'almir', 'armin', 'jasmin', 'elvis', 'besim', 'bekim', 'arben', 'ardit', 'blerim',
  // Cyrillic
  'иван', 'георги', 'димитър', 'петър', 'петар', 'николай', 'никола', 'стефан', 'александър', 'александар', 'христо', 'тодор',
  'васил', 'борис', 'йордан', 'красимир', 'пламен', 'стоян', 'мария', 'марија', 'елена', 'ивана', 'десислава', 'гергана',
  'надежда', 'милена', 'марко', 'горан', 'зоран', 'драган', 'дејан', 'милан', 'ненад', 'владимир', 'билјана', 'јована',
  'сергей', 'алексей', 'дмитрий', 'ольга', 'анна', 'ана',
  // Hungarian
  'lászló', 'istván', 'józsef', 'jános', 'zoltán', 'sándor', 'gábor', 'ferenc', 'attila', 'péter', 'tamás', 'zsolt', 'balázs',
  'mária', 'erzsébet', 'katalin', 'ilona', 'éva', 'zsuzsanna', 'krisztina', 'judit', 'ágnes', 'andrea', 'eszter',
  // French
  'jean', 'pierre', 'michel', 'philippe', 'alain', 'nicolas', 'julien', 'thomas', 'françois', 'laurent', 'olivier', 'luc',
  'marie', 'nathalie', 'isabelle', 'sylvie', 'catherine', 'françoise', 'sophie', 'camille', 'claire', 'céline', 'julie',
  // Azerbaijani
  'elvin', 'elnur', 'rashad', 'rəşad', 'orxan', 'orkhan', 'farid', 'fərid', 'tural', 'ilham', 'i̇lham', 'vugar', 'vüqar', 'ramil',
  'anar', 'elchin', 'elçin', 'aysel', 'günay', 'leyla', 'nigar', 'sevinj', 'sevinc', 'könül', 'aynur',
  // Pakistan / Bangladesh / Iraq (Latin transcriptions)
  'muhammad', 'mohammad', 'mohammed', 'mohamed', 'md', 'ahmed', 'ahmad', 'ali', 'hassan', 'hasan', 'hussain', 'hussein',
  'husain', 'imran', 'asif', 'bilal', 'usman', 'faisal', 'tariq', 'kamran', 'zain', 'waqas', 'shahid', 'abdul', 'abdullah',
  'rahim', 'karim', 'rafiq', 'tanvir', 'sabbir', 'rakib', 'jahid', 'mustafa', 'haider', 'hayder', 'abbas', 'omar', 'umar',
  'ibrahim', 'yousef', 'yusuf', 'khalid', 'karrar', 'murtadha', 'ayesha', 'aisha', 'fatima', 'fatema', 'sana', 'hina',
  'saima', 'nadia', 'zainab', 'zahraa', 'maryam', 'noor', 'nur', 'huda', 'sara', 'sarah', 'nasrin', 'farhana', 'sumaiya',
  // English / other Europol and Bali Process countries
  'john', 'james', 'david', 'michael', 'robert', 'peter', 'paul', 'mark', 'daniel', 'anna', 'anne', 'mary', 'elizabeth',
  'susan', 'linda', 'emma', 'hans', 'jan', 'piotr', 'andrzej', 'giuseppe', 'marco', 'jose', 'josé', 'juan', 'carlos', 'ana',
  'agus', 'budi', 'putu', 'wayan', 'ketut', 'nyoman', 'siti', 'dewi',
  // Arabic script (Iraq, Pakistan)
  'محمد', 'أحمد', 'احمد', 'علي', 'حسين', 'حسن', 'عمر', 'مصطفى', 'حيدر', 'عباس', 'إبراهيم', 'ابراهيم', 'يوسف', 'خالد',
  'فاطمة', 'زينب', 'مريم', 'نور', 'عمران', 'بلال',
];

/** Words that introduce a person: a capitalised word after one of these is taken for a name. */
export const NAME_TITLES: readonly string[] = [
  'mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir', 'inspector', 'insp', 'sergeant', 'sgt', 'officer', 'detective',
  'det', 'captain', 'capt', 'lieutenant', 'lt', 'major', 'colonel', 'col', 'commissioner', 'judge', 'prosecutor',
  'm', 'mme', 'mlle', 'monsieur', 'madame', 'herr', 'frau', 'úr', 'asszony', 'gospodin', 'gospođa', 'g-din', 'г-н', 'г-жа',
  'г-ца', 'господин', 'госпожа', 'инспектор', 'bay', 'xanım', 'janab', 'sheikh', 'haji', 'hajji', 'begum', 'السيد', 'السيدة',
];

/** Roles that usually come right before a suspect's or victim's full name ("suspect Ahmed Khan"). */
export const NAME_ROLES: readonly string[] = [
  'suspect', 'suspects', 'victim', 'victims', 'accused', 'defendant', 'witness', 'smuggler', 'trafficker', 'facilitator',
  'driver', 'recruiter', 'perpetrator', 'offender', 'migrant', 'national', 'citizen', 'named', 'called', 'alias', 'aka',
  'suspect:', 'заподозрян', 'заподозряна', 'обвиняем', 'обвиняема', 'жертва', 'свидетел', 'suspect(e)', 'suspecté', 'victime',
  'témoin', 'gyanúsított', 'áldozat', 'tanú', 'osumnjičeni', 'osumnjičena', 'žrtva', 'svjedok', 'şübhəli', 'zərərçəkmiş',
  'المتهم', 'المتهمة', 'الضحية', 'المشتبه',
];
