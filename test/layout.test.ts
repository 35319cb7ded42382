import fs from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import ts from 'typescript';

/** STYLE.md's size rules, for code written by hand: drizzle-kit's migrations live outside src/ (migrations/). */
const MAX_LINES = 350;
const MAX_CONSTRUCTOR_PARAMS = 6;

function files(dir: string, ext: RegExp): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? files(full, ext) : ext.test(e.name) ? [full] : [];
  });
}

/** Each constructor with more than `max` parameters, as `file:line (n)`. */
export function wideConstructors(file: string, text: string, max: number): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isConstructorDeclaration(node) && node.parameters.length > max) {
      found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} (${node.parameters.length})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const layout = suite('the layout rules: no file under src/ over 350 lines, no constructor over 6 parameters');

layout('every file under src/ is at most 350 lines', () => {
  const long = files('src', /./).map((f) => [f, fs.readFileSync(f, 'utf8').split('\n').length - 1] as const).filter(([, n]) => n > MAX_LINES);
  assert.equal(long.map(([f, n]) => `${f} (${n} lines)`), [], 'split these by what they do (STYLE.md)');
});

layout('no constructor in src/ or web/src/ takes more than 6 parameters', () => {
  const wide = [...files('src', /\.ts$/), ...files('web/src', /\.tsx?$/)].flatMap((f) => wideConstructors(f, fs.readFileSync(f, 'utf8'), MAX_CONSTRUCTOR_PARAMS));
  assert.equal(wide, [], 'group what belongs together');
});

/** A status compared as a number (`.status === 0`, `status !== 101`): the console compares keys (web/src/api/statuses.ts). */
export const STATUS_NUMBER = /\bstatus\s*[!=]==?\s*-?\d|-?\d+\s*[!=]==?\s*[\w.?]*\bstatus\b/;

layout('no console component compares a status number: only web/src/api/ turns numbers into keys', () => {
  const found = files('web/src', /\.tsx?$/).filter((f) => !f.startsWith('web/src/api/'))
    .flatMap((f) => fs.readFileSync(f, 'utf8').split('\n').map((line, i) => [`${f}:${i + 1}`, line] as const))
    .filter(([, line]) => STATUS_NUMBER.test(line)).map(([at]) => at);
  assert.equal(found, []);
});

layout('the README is at most 200 lines, and quotes its compiled example as it is (docs/examples/)', () => {
  const readme = fs.readFileSync('README.md', 'utf8');
  assert.ok(readme.split('\n').length - 1 <= 200, `README.md has ${readme.split('\n').length - 1} lines`);
  const example = fs.readFileSync('docs/examples/notice.latest.ts', 'utf8');
  const quoted = example.slice(example.indexOf('export default handler('));
  const block = /```ts\n([\s\S]*?)```/.exec(readme)![1]!.split('\n').map((l) => l.replace(/^ {3}/, '')).join('\n');
  assert.fixture(block, quoted);
});

layout('the checks find what they are for', () => {
  for (const line of ['if (r.status === 0)', 'reply.status !== 101 &&', 'if (0 === r.status)']) assert.ok(STATUS_NUMBER.test(line), line);
  for (const line of ["if (r.key === 'OK')", "t('errorGeneric', { status: r.status, message })"]) assert.not.ok(STATUS_NUMBER.test(line), line);
  const seven = 'class A { constructor(a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7) {} }\nclass B { constructor(a: 1) {} }';
  assert.equal(wideConstructors('x.ts', seven, MAX_CONSTRUCTOR_PARAMS), ['x.ts:1 (7)']);
  assert.equal(wideConstructors('x.ts', 'class C { constructor(private readonly a: { b: 1; c: 2; d: 3; e: 4; f: 5; g: 6; h: 7 }) {} }', MAX_CONSTRUCTOR_PARAMS), []);
});

layout.run();
