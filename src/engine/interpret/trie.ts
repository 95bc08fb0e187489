// The phrase matcher's prefix trie over UTF-16 code units (matcher.ts): what a question word's
// beginning may be -> the phrase keys it stands for. Kept apart for its memory layout.

export interface TrieEnd {
  key: string;
  allow: number;
}

/**
 * A node of the prefix trie. Memory layout (tens of thousands of nodes once a few languages are
 * built): most nodes have one child, kept in `next` with its code unit in `c`, and one end, kept
 * as is; a Map and an array only where there are several.
 */
export interface TrieNode {
  c: number;
  next: TrieNode | Map<number, TrieNode> | undefined;
  ends: TrieEnd | TrieEnd[] | undefined;
}

export const newNode = (): TrieNode => ({ c: -1, next: undefined, ends: undefined });

export function childOf(node: TrieNode, c: number): TrieNode | undefined {
  const n = node.next;
  if (n === undefined) return undefined;
  if (n instanceof Map) return n.get(c);
  return node.c === c ? n : undefined;
}

export function addChild(node: TrieNode, c: number): TrieNode {
  const n = node.next;
  if (n === undefined) {
    node.c = c;
    return (node.next = newNode());
  }
  if (n instanceof Map) {
    let child = n.get(c);
    if (!child) n.set(c, (child = newNode()));
    return child;
  }
  if (node.c === c) return n;
  const child = newNode();
  node.next = new Map([
    [node.c, n],
    [c, child],
  ]);
  return child;
}

/** Records that reaching `node` stands for `key` with at most `allow` more letters (the largest allowance kept). */
export function addEnd(node: TrieNode, key: string, allow: number): void {
  const ends = node.ends;
  const e = ends === undefined ? undefined : Array.isArray(ends) ? ends.find((x) => x.key === key) : ends.key === key ? ends : undefined;
  if (e) {
    if (e.allow < allow) e.allow = allow;
  } else if (ends === undefined) node.ends = { key, allow };
  else if (Array.isArray(ends)) ends.push({ key, allow });
  else node.ends = [ends, { key, allow }];
}
