/**
 * docs/architecture.md walks an item through the code by file and function name, for contributors
 * who then open those files: what it names must exist. Its layout (the page's first code block)
 * lists every file under nodes/ and credentials/, no more and no fewer; every file or folder it
 * cites in backticks exists; every function it cites as `name()` is declared in the node's sources
 * (or, for the emulator's side of a request, in test/emulator/); and every other name it cites in
 * backticks occurs in them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..');
const NODE_DIR = join(ROOT, 'nodes', 'HubSpotAssociations');
const PAGE = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');

function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? filesUnder(path) : [path];
	});
}

const shippedFiles = [...filesUnder(join(ROOT, 'nodes')), ...filesUnder(join(ROOT, 'credentials'))]
	.map((path) => relative(ROOT, path))
	.sort();
const sources = [
	...shippedFiles.map((f) => join(ROOT, f)),
	...filesUnder(join(ROOT, 'test', 'emulator')),
]
	.filter((path) => path.endsWith('.ts'))
	.map((path) => readFileSync(path, 'utf8'))
	.join('\n');

/**
 * The files the layout lists: a tree indented two spaces a level, one entry a line, a folder ending
 * in `/`, each entry's name first on its line and what it owns after it.
 */
function layoutFiles(markdown: string): string[] {
	const block = /^```[^\n]*\n([\s\S]*?)^```/m.exec(markdown)?.[1] ?? '';
	const folders: Array<{ indent: number; path: string }> = [];
	const files: string[] = [];
	for (const line of block.split('\n')) {
		const match = /^( *)(\S+)/.exec(line);
		if (!match) continue;
		const indent = match[1].length;
		while (folders.length > 0 && folders[folders.length - 1].indent >= indent) folders.pop();
		const path = [...folders.map((f) => f.path), match[2]].join('');
		if (match[2].endsWith('/')) folders.push({ indent, path: match[2] });
		else files.push(path);
	}
	return files.sort();
}

/** Every span of inline code outside fenced blocks. */
const codeSpans = (markdown: string): string[] =>
	[...markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);

const PATH = /^(?:[\w.-]+\/)*[\w.-]+(?:\.(?:ts|json|svg|md|js)|\/)$/;
const FUNCTION = /^(?:[A-Za-z_$][\w$]*\.)*([A-Za-z_$][\w$]*)\(\)$/;
const NAME = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;

/** A file or folder cited by its path from the repository, from the node's folder, or by its name. */
function citedPathExists(path: string): boolean {
	if (existsSync(join(ROOT, path)) || existsSync(join(NODE_DIR, path))) return true;
	return !path.includes('/') && shippedFiles.some((f) => f.endsWith(`/${path}`));
}

const escape = (text: string) => text.replace(/[$.*+?^(){}[\]|\\]/g, '\\$&');

/**
 * A function, method or class declared under that name (not merely called): also a method of an
 * interface (`fields?(ctx): ItemFields;`) or a property that holds an arrow function.
 */
function isDeclared(name: string): boolean {
	const n = escape(name);
	return [
		new RegExp(`(?:function\\*?|class)\\s+${n}\\b`),
		new RegExp(`(?:const|let|var)\\s+${n}\\s*(?::[^=\\n]+)?=`),
		new RegExp(
			`^\\s*(?:(?:public|private|static|async|get)\\s+)*${n}\\s*\\((?:[^()]|\\([^()]*\\))*\\)\\s*(?::\\s*[^{;=]+)?\\{`,
			'm',
		),
		new RegExp(`^\\s*${n}\\??\\((?:[^()]|\\([^()]*\\))*\\)\\s*:[^;{]+;`, 'm'),
		new RegExp(`\\b${n}\\s*:\\s*(?:async\\s*)?\\([^()]*\\)\\s*(?::[^=]+)?=>`),
	].some((declaration) => declaration.test(sources));
}

const occurs = (word: string) => new RegExp(`(?<![\\w$])${escape(word)}(?![\\w$])`).test(sources);

describe('docs/architecture.md', () => {
	it('lists every file under nodes/ and credentials/ in its layout, and no other', () => {
		expect(layoutFiles(PAGE)).toEqual(shippedFiles);
	});

	it('cites only files and folders that exist', () => {
		const cited = codeSpans(PAGE).filter((span) => PATH.test(span) && !span.startsWith('/'));
		expect(cited.length).toBeGreaterThan(10);
		expect(cited.filter((path) => !citedPathExists(path))).toEqual([]);
	});

	it('cites as name() only functions the code declares', () => {
		const cited = [...new Set(codeSpans(PAGE).flatMap((span) => FUNCTION.exec(span)?.[1] ?? []))];
		expect(cited.length).toBeGreaterThan(30);
		expect(cited.filter((name) => !isDeclared(name))).toEqual([]);
	});

	it('cites only names that occur in the code', () => {
		const words = codeSpans(PAGE)
			.filter((span) => NAME.test(span))
			.flatMap((span) => span.split('.'));
		expect([...new Set(words)].filter((word) => !occurs(word))).toEqual([]);
	});
});
