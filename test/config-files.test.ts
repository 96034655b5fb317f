// The JSON configs shared by the local stack and compose parse, and no object states a key twice
// (JSON.parse keeps the last one silently: a merge once left a table config with two "routing"
// objects, and the dedup routing was lost).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@pizzashop/testkit';

/** Every key stated twice in one object of `text`, as "path.key". */
export function duplicateKeys(text: string): string[] {
  const found: string[] = [];
  let i = 0;
  const ws = () => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const str = (): string => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    ws();
    if (text[i] === '{') {
      i++;
      const seen = new Set<string>();
      for (ws(); text[i] !== '}'; ws()) {
        const key = str();
        if (seen.has(key)) found.push(`${path}${key}`);
        seen.add(key);
        ws();
        i++; // ':'
        value(`${path}${key}.`);
        ws();
        if (text[i] === ',') i++;
      }
      i++;
    } else if (text[i] === '[') {
      i++;
      for (let n = 0; (ws(), text[i] !== ']'); n++) {
        value(`${path}${n}.`);
        ws();
        if (text[i] === ',') i++;
      }
      i++;
    } else if (text[i] === '"') str();
    else while (i < text.length && !/[,}\]\s]/.test(text[i]!)) i++;
  };
  value('');
  return found;
}

const jsonFiles = (dir: string): string[] =>
  readdirSync(join(repoRoot, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsonFiles(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : [],
  );

describe('config files under docker/', () => {
  it('finds a duplicated key', () => {
    expect(duplicateKeys('{"a": {"b": 1, "b": [1, {"c": 2, "c": "x"}]}, "d": "}"}')).toEqual(['a.b', 'a.b.1.c']);
    expect(duplicateKeys('{"a": 1, "b": {"a": 2}}')).toEqual([]);
  });

  for (const file of jsonFiles('docker')) {
    it(`${relative(repoRoot, join(repoRoot, file))} states every key once`, () => {
      const text = readFileSync(join(repoRoot, file), 'utf8');
      expect(() => JSON.parse(text)).not.toThrow();
      expect(duplicateKeys(text)).toEqual([]);
    });
  }
});
