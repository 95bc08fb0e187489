/** A small bounded map that forgets the least recently used key (Map keeps insertion order). */
export function createLru<K, V>(max: number) {
  const map = new Map<K, V>();
  return {
    get(key: K): V | undefined {
      const v = map.get(key);
      if (v !== undefined) {
        map.delete(key);
        map.set(key, v);
      }
      return v;
    },
    set(key: K, value: V): void {
      map.delete(key);
      map.set(key, value);
      while (map.size > max) map.delete(map.keys().next().value as K);
    },
    has: (key: K) => map.has(key),
    get size() {
      return map.size;
    },
  };
}
export type Lru<K, V> = ReturnType<typeof createLru<K, V>>;
