/**
 * Canonical text of values whose spelling differs between Postgres and DuckDB though the value is
 * the same (see rowText.ts). A value that does not parse is returned as it is, so it still compares.
 */

const FLOAT_WORDS: Record<string, string> = {
  nan: 'NaN',
  '-nan': 'NaN',
  inf: 'Infinity',
  infinity: 'Infinity',
  '+inf': 'Infinity',
  '-inf': '-Infinity',
  '-infinity': '-Infinity',
};

/** A float as JavaScript prints the double it denotes: NaN, Infinity, -Infinity, -0, shortest digits. */
export function canonicalFloat(text: string): string {
  const word = FLOAT_WORDS[text.trim().toLowerCase()];
  if (word) return word;
  const number = Number(text);
  if (Number.isNaN(number)) return text;
  return Object.is(number, -0) ? '-0' : String(number);
}

/**
 * JSON without whitespace and with each object's keys sorted (by their text), strings re-escaped
 * alike; numbers keep their literal text (so 1.10 and 1.1 stay different, as in Postgres' jsonb).
 * Duplicate keys are kept, in order.
 */
export function canonicalJson(text: string): string {
  try {
    const reader = new JsonReader(text);
    const value = reader.value();
    reader.end();
    return value;
  } catch {
    return text;
  }
}

class JsonReader {
  private at = 0;
  constructor(private readonly text: string) {}

  value(): string {
    this.space();
    const next = this.text[this.at];
    if (next === '{') return this.object();
    if (next === '[') return this.array();
    if (next === '"') return this.string();
    return this.literal();
  }

  end(): void {
    this.space();
    if (this.at !== this.text.length) throw new Error('trailing text');
  }

  private object(): string {
    this.at += 1;
    const members: [string, string][] = [];
    this.space();
    if (this.text[this.at] === '}') {
      this.at += 1;
      return '{}';
    }
    for (;;) {
      this.space();
      const key = this.string();
      this.expect(':');
      members.push([key, this.value()]);
      this.space();
      if (this.text[this.at] === ',') {
        this.at += 1;
        continue;
      }
      this.expect('}');
      break;
    }
    members.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${members.map(([key, value]) => `${key}:${value}`).join(',')}}`;
  }

  private array(): string {
    this.at += 1;
    const elements: string[] = [];
    this.space();
    if (this.text[this.at] === ']') {
      this.at += 1;
      return '[]';
    }
    for (;;) {
      elements.push(this.value());
      this.space();
      if (this.text[this.at] === ',') {
        this.at += 1;
        continue;
      }
      this.expect(']');
      break;
    }
    return `[${elements.join(',')}]`;
  }

  private string(): string {
    const match = this.match(/"(?:[^"\\]|\\.)*"/y);
    return JSON.stringify(JSON.parse(match) as string);
  }

  private literal(): string {
    return this.match(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y);
  }

  private match(pattern: RegExp): string {
    pattern.lastIndex = this.at;
    const found = pattern.exec(this.text);
    if (!found) throw new Error(`not JSON at ${this.at}`);
    this.at = pattern.lastIndex;
    return found[0];
  }

  private expect(token: string): void {
    this.space();
    if (this.text[this.at] !== token) throw new Error(`expected ${token} at ${this.at}`);
    this.at += 1;
  }

  private space(): void {
    while (this.at < this.text.length && ' \t\n\r'.includes(this.text[this.at]!)) this.at += 1;
  }
}
