import type { StateValue } from './types.ts';

/**
 * A short, stable hash of a state snapshot: the canonical form (keys sorted,
 * `hash` itself left out) hashed with cyrb53, as 14 hex digits. Pure and
 * runtime-neutral, so the same state hashes the same in-process and offline.
 */
export function hashState(state: Readonly<Record<string, StateValue>>): string {
  const keys = Object.keys(state).sort();
  let canonical = '';
  for (const key of keys) {
    if (key === 'hash') continue;
    const value = state[key];
    canonical += `${key}=${typeof value === 'string' ? JSON.stringify(value) : String(value)};`;
  }
  return cyrb53(canonical).toString(16).padStart(14, '0');
}

function cyrb53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
