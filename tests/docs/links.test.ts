import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'vitest';
import { projectRoot } from '../support/projectRoot.js';

// No servers: reads README.md and docs/*.md only.

const readme = join(projectRoot, 'README.md');
const docsDir = join(projectRoot, 'docs');
const markdownFiles = [
  readme,
  ...readdirSync(docsDir)
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(docsDir, name)),
];

/** The text outside fenced code blocks and inline code spans (links there are examples, not links). */
function proseOf(markdown: string): string {
  const lines: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      lines.push('');
      continue;
    }
    lines.push(fenced ? '' : line.replace(/`[^`]*`/g, '``'));
  }
  return lines.join('\n');
}

/** Every [text](target) and ![alt](target) link target, without an optional "title". */
export function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  for (const match of proseOf(markdown).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
    targets.push(match[1] ?? '');
  return targets;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2, … */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = (heading[1] ?? '')
      .toLowerCase()
      .replace(/<[^>]*>/g, '')
      .replace(/[^\p{L}\p{N}_\- ]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target);
}

test('the anchor rule matches GitHub for the headings these docs use', () => {
  const anchors = headingAnchors(
    '# Runs: which dbt project, extract-only runs, the demo, exit codes\n## `rebar sql`: output formats\n## Exit codes\n## Exit codes\n```\n# not a heading\n```\n',
  );
  assert.deepEqual(
    [...anchors],
    [
      'runs-which-dbt-project-extract-only-runs-the-demo-exit-codes',
      'rebar-sql-output-formats',
      'exit-codes',
      'exit-codes-1',
    ],
  );
  assert.deepEqual(
    linkTargets(
      'see [a](docs/a.md#x "t"), ![p](images/p.png), [web](https://example.com) and `[not](a link)`\n```\n[no](code.md)\n```\n',
    ),
    ['docs/a.md#x', 'images/p.png', 'https://example.com'],
  );
});

test('every relative link in README.md and docs/*.md resolves to a file, and every #anchor into a .md file to a heading there', () => {
  const broken: string[] = [];
  for (const file of markdownFiles) {
    const where = relative(projectRoot, file);
    for (const target of linkTargets(readFileSync(file, 'utf8'))) {
      if (isExternal(target)) continue;
      const [pathPart = '', anchor] = target.split('#', 2);
      const path = pathPart === '' ? file : resolve(dirname(file), decodeURIComponent(pathPart));
      if (!existsSync(path)) {
        broken.push(`${where}: ${target} (no such file)`);
        continue;
      }
      if (anchor === undefined || anchor === '') continue;
      if (!path.endsWith('.md') || statSync(path).isDirectory()) continue;
      if (!headingAnchors(readFileSync(path, 'utf8')).has(decodeURIComponent(anchor).toLowerCase()))
        broken.push(`${where}: ${target} (no heading with that anchor in ${relative(projectRoot, path)})`);
    }
  }
  assert.deepEqual(broken, []);
});

test('README.md is under 200 lines and starts with the two commands', () => {
  const text = readFileSync(readme, 'utf8');
  const lines = text.replace(/\n$/, '').split('\n');
  assert.ok(lines.length < 200, `README.md has ${lines.length} lines; keep it under 200 and move detail into docs/`);
  const firstBlock = /```sh\n([\s\S]*?)\n```/.exec(text);
  assert.ok(firstBlock, 'README.md has no ```sh block');
  assert.equal(firstBlock[1], 'scripts/setup && npm run rebar -- nightly\nscripts/setup && npm test');
  // At the very top: only the title and the short description come before the commands.
  const before = text
    .slice(0, firstBlock.index)
    .split('\n')
    .filter((line) => line.trim() !== '');
  assert.ok(before.length <= 6, `the two commands should open README.md; ${before.length} lines come before them`);
  assert.ok(
    before.every((line) => !line.startsWith('## ')),
    'no section may come before the two commands',
  );
});
