/**
 * JSON parsing as the validator does it: like JSON.parse, but a key given twice in one
 * object is an error (zendesk_apps_support parses manifest.json and requirements.json
 * into a hash that refuses overrides), where JSON.parse would keep the last silently.
 */
export class DuplicateKeyError extends Error {
  constructor(readonly key: string) {
    super(`Duplicate reference in manifest: "${key}".`);
  }
}

/** Parses `text`; throws SyntaxError for bad JSON and DuplicateKeyError for a repeated key. */
export function parseStrictJson(text: string): unknown {
  const value = JSON.parse(text) as unknown;
  findDuplicateKey(text);
  return value;
}

/** Scans the (already valid) JSON text object by object for a repeated key. */
function findDuplicateKey(text: string): void {
  const stack: Array<Set<string> | null> = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') {
      stack.push(new Set());
      expectKey = true;
    } else if (c === '[') {
      stack.push(null);
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
    } else if (c === ',') {
      expectKey = stack[stack.length - 1] !== null && stack.length > 0;
    } else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        const keys = stack[stack.length - 1]!;
        if (keys.has(key)) throw new DuplicateKeyError(key);
        keys.add(key);
        expectKey = false;
      }
      i = end;
    }
  }
}
