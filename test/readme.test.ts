/**
 * README.md is also the package's page on npmjs.com, where a relative link has no repository to resolve
 * against: every link must be absolute (into this repository at the address package.json's
 * `repository` names) or an anchor of one of the README's own headings.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	name: string;
	version: string;
	repository: { url: string };
};
/** `owner/name` from `git+https://github.com/owner/name.git`. */
const REPO = /^git\+https:\/\/github\.com\/([\w.-]+\/[\w.-]+)\.git$/.exec(PKG.repository.url)![1];

interface Link {
	target: string;
	image: boolean;
}

/** The README's text without code, where brackets and parentheses are not links. */
function prose(markdown: string): string {
	return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, 'code');
}

/** Inline links and images, reference definitions, autolinks and HTML `href`/`src`. */
function links(markdown: string): Link[] {
	const text = prose(markdown);
	const found: Link[] = [];
	for (const m of text.matchAll(/(!?)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
		found.push({ image: m[1] === '!', target: m[2] });
	for (const m of text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm))
		found.push({ image: false, target: m[1] });
	for (const m of text.matchAll(/<(https?:\/\/[^>\s]+)>/g))
		found.push({ image: false, target: m[1] });
	for (const m of text.matchAll(/<(a|img)\s[^>]*?(href|src)="([^"]+)"/gi))
		found.push({ image: m[1].toLowerCase() === 'img', target: m[3] });
	return found;
}

/** GitHub's (and npm's) anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
}

const headings = new Set(
	[...prose(README).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)].map((m) => slug(m[1])),
);

/** The repository file a link to this repository's main branch names, if it is one. */
function repositoryPath(target: string): string | undefined {
	const url = new URL(target);
	const path = decodeURIComponent(url.pathname);
	if (url.host === 'github.com') {
		const m = new RegExp(`^/${REPO}/(?:blob|tree)/main/(.+)$`).exec(path);
		return m?.[1];
	}
	if (url.host === 'raw.githubusercontent.com') {
		const m = new RegExp(`^/${REPO}/main/(.+)$`).exec(path);
		return m?.[1];
	}
	return undefined;
}

describe('README.md, as npmjs.com shows it', () => {
	const all = links(README);

	it('has links to check (the extraction finds them)', () => {
		expect(all.filter((l) => l.image).length).toBeGreaterThanOrEqual(3);
		expect(all.filter((l) => l.target.includes('docs/')).length).toBeGreaterThanOrEqual(1);
		expect(all.filter((l) => l.target.includes('examples/')).length).toBeGreaterThanOrEqual(1);
	});

	it('has no relative link: each one is an absolute URL or an anchor of its own headings', () => {
		const relative = all
			.map((l) => l.target)
			.filter((t) => !/^(https?:|mailto:)/.test(t) && !t.startsWith('#'));
		expect(relative).toEqual([]);
	});

	it('every anchor names one of its headings', () => {
		const unknown = all
			.map((l) => l.target)
			.filter((t) => t.startsWith('#') && !headings.has(t.slice(1)));
		expect(unknown).toEqual([]);
	});

	it(`every link into the repository names a file or folder that exists on its main branch (${REPO})`, () => {
		const missing = all
			.map((l) => l.target)
			.filter((t) => /^https:\/\/(github\.com|raw\.githubusercontent\.com)\//.test(t))
			.filter((t) => new URL(t).pathname.split('/').slice(1, 3).join('/') === REPO)
			.filter((t) => {
				const path = repositoryPath(t);
				return path === undefined || !existsSync(join(ROOT, path));
			});
		expect(missing).toEqual([]);
	});

	it('every image is served raw, so that npmjs.com can show it', () => {
		const notRaw = all
			.filter((l) => l.image)
			.map((l) => l.target)
			.filter((t) => {
				if (!URL.canParse(t)) return true;
				const url = new URL(t);
				const raw =
					url.host === 'raw.githubusercontent.com' ||
					(url.host === 'github.com' && url.searchParams.get('raw') === 'true');
				return !raw;
			});
		expect(notRaw).toEqual([]);
	});

	it('pins the version in package.json wherever it lists the package for N8N_COMMUNITY_PACKAGES', () => {
		const lists = [...README.matchAll(/N8N_COMMUNITY_PACKAGES='([^']+)'/g)].map((m) =>
			JSON.parse(m[1]),
		);
		expect(lists.length).toBeGreaterThan(0);
		for (const list of lists) expect(list).toEqual([{ name: PKG.name, version: PKG.version }]);
	});
});
