import { describe, expect, it } from 'vitest';
import { en } from './en';
import { zh } from './zh';

/** Station translations exist only where a language has its own name for a station. */
const keysOf = (messages: Readonly<Record<string, string>>) => Object.keys(messages).filter((key) => !key.startsWith('station.')).sort();

describe('Messages', () => {
  it('has every key in both languages', () => {
    expect(keysOf(en)).toEqual(keysOf(zh));
  });

  it('uses the same placeholders in both languages', () => {
    const placeholders = (text: string | undefined) => [...(text ?? '').matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of keysOf(zh)) expect([key, placeholders(en[key])]).toEqual([key, placeholders(zh[key])]);
  });
});
