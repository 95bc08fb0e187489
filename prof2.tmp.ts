import Fuse from 'fuse.js';
const O = { includeScore: true, threshold: 0.35, ignoreLocation: true };
const words = Array.from({ length: 20000 }, (_, i) => 'investigation'.slice(0, 5 + (i % 8)) + String.fromCharCode(97 + (i % 26)));
for (let rep = 0; rep < 3; rep++) {
  let a = performance.now();
  for (const w of words) Fuse.match(w, 'investigations', O);
  const m = (performance.now() - a) / words.length * 1000;
  a = performance.now();
  const f = new Fuse(['investigations'], O);
  for (const w of words) f.search(w, { limit: 10 });
  const s = (performance.now() - a) / words.length * 1000;
  a = performance.now();
  const f8 = new Fuse(['investigations', 'investigate', 'investigator', 'inventory', 'invest', 'invited', 'invite', 'invention'], O);
  for (const w of words) f8.search(w, { limit: 10 });
  const s8 = (performance.now() - a) / words.length * 1000;
  console.log('match', m.toFixed(2), 'search1', s.toFixed(2), 'search8', s8.toFixed(2));
}
