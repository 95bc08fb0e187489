// Types of ./dist-freshness.js (plain JavaScript: the bin runs before anything is compiled).
export function distBuiltAt(root: string): number | undefined;
export function distIsNewer(root: string, built?: number): boolean;
export function bundleIsCurrent(root: string, built?: number): boolean;
