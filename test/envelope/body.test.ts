import crypto from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseJson } from '../../src/envelope/body.js';

const parseJsonSuite = suite('parseJson (long strings lifted out before JSON.parse)');

/** What JSON.parse says, in parseJson's shape. */
function reference(text: string): { ok: boolean; value?: unknown } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function same(text: string, name: string): void {
  const ours = parseJson(Buffer.from(text));
  const ref = reference(text);
  assert.is(ours.ok, ref.ok, `${name}: ok`);
  if (ours.ok && ref.ok) {
    assert.ok(JSON.stringify(ours.value) === JSON.stringify(ref.value), `${name}: value`);
    assert.is(Object.getPrototypeOf(ours.value), Object.getPrototypeOf(ref.value), `${name}: prototype`);
  }
}

parseJsonSuite('gives exactly what JSON.parse gives, for camera bodies and for every trap around them', () => {
  const big = crypto.randomBytes(100_000).toString('base64');
  const numbers = Array.from({ length: 20_000 }, (_, i) => i).join(',');
  const cases: [string, string][] = [
    ['camera upload', `{"id":1,"type":"notice","subtype":"upload","data":{"base64":"${big}","content":"x"}}`],
    ['several, nested', `{"a":["${big}", "${big}x", 1, {"b":"${big}"}], "c": "small"}`],
    ['an escape inside', `{"a":"${big}\\n"}`],
    ['an escaped quote inside', `{"a":"${big}\\"q"}`],
    ['a long key', `{"${big}": 1}`],
    ['a long key with space before the colon', `{"${big}" \n: 1}`],
    ['__proto__ next to it', `{"__proto__": {"x": 1}, "a": "${big}"}`],
    ['__proto__ holding it', `{"__proto__": "${big}"}`],
    ['unterminated', `{"a":"${big}}`],
    ['two strings without a comma', `{"a":"${big}" "b"}`],
    ['escaped quote before', `{"a":"\\"","b":"${big}"}`],
    ['escaped backslash before', `{"a":"\\\\","b":"${big}"}`],
    ['escaped backslash before two', `{"a":"\\\\","b":"${big}","c":"${big}"}`],
    // a misread quote would flip what is inside a string and what is not; two of them flip it back
    ['escaped backslashes around a long run of numbers', `{"a":"\\\\","n":[${numbers}],"b":"\\\\","z":"x"}`],
    ['escaped quotes around a long run of numbers', `{"a":"\\"","n":[${numbers}],"b":"\\"","z":"x"}`],
    ['three backslashes before', `{"a":"\\\\\\"","b":"${big}","c":"${big}"}`],
    ['a client string that looks like a placeholder', `{"a":"\\u0000abc:0","b":"${big}"}`],
    ['trailing garbage', `{"a":"${big}"} x`],
    ['top-level string', `"${big}"`],
    ['non-ASCII elsewhere', `{"a":"${big}","b":"é"}`],
  ];
  for (const [name, text] of cases) same(text, name);
  // the one leniency: a raw control character inside a lifted string
  assert.equal(parseJson(Buffer.from(`{"a":"${big}\n"}`)), { ok: true, value: { a: `${big}\n` } });
  assert.equal(parseJson(Buffer.from(`{"a":"${big.slice(0, 100)}\n"}`)), { ok: false }, 'short strings are JSON.parse\'s');
});

parseJsonSuite('random documents around long strings', () => {
  const leaf = (depth: number): string => {
    const r = crypto.randomInt(8);
    if (depth > 3 || r < 3) return r === 0 ? `"${crypto.randomBytes(70_000 + crypto.randomInt(1000)).toString('base64')}"` : r === 1 ? String(crypto.randomInt(1000)) : r === 2 ? '"s\\"t"' : '"u\\\\"';
    if (r < 6) return `{${Array.from({ length: crypto.randomInt(4) }, (_, i) => `"k${i}":${leaf(depth + 1)}`).join(',')}}`;
    return `[${Array.from({ length: crypto.randomInt(4) }, () => leaf(depth + 1)).join(', ')}]`;
  };
  for (let i = 0; i < 60; i++) {
    const doc = `{"data":${leaf(0)},"tail":${leaf(2)}}`;
    same(doc, `doc ${i}`);
    same(doc.slice(0, crypto.randomInt(doc.length)), `doc ${i} cut`);
  }
});

parseJsonSuite.run();
