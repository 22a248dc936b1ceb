import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The Debian installs of scripts/ui.sh (chromium) and scripts/scale.sh (redis-server, postgresql), as a
 * fresh machine meets them, against stand-ins on PATH for apt-get, sudo, service, id and sleep that
 * record what they were asked: nothing is installed.
 */
const ROOT = join(__dirname, '..', '..');

interface Machine {
	bin: string;
	calls: () => string[];
}

/**
 * `apt-get` records `DEBIAN_FRONTEND|arguments` and, for the first `failUpdates` updates, fails as when
 * another apt holds the package lists' lock; `install` fails when `failInstall` (to end ui.sh before it
 * goes on to n8n). `sudo` resets the environment as sudo's env_reset does. `id -u` says `uid`.
 */
function machine(
	dir: string,
	options: { uid: number; failUpdates: number; failInstall: boolean },
): Machine {
	const bin = join(dir, 'bin');
	const log = join(dir, 'calls.log');
	const script = (name: string, body: string) => {
		writeFileSync(join(bin, name), `#!/usr/bin/env bash\n${body}\n`);
		chmodSync(join(bin, name), 0o755);
	};
	spawnSync('mkdir', ['-p', bin]);
	script(
		'apt-get',
		`echo "apt-get \${DEBIAN_FRONTEND:-}|$*" >> ${log}
if [[ " $* " == *" update "* ]]; then
	n=$(grep -c '^apt-get .*update' ${log} || true)
	if [ "$n" -le ${options.failUpdates} ]; then echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)" >&2; exit 100; fi
fi
if [[ " $* " == *" install "* ]] && ${options.failInstall}; then echo "E: stand-in stops here" >&2; exit 100; fi
exit 0`,
	);
	script('sudo', `echo "sudo $*" >> ${log}\nexec env -i PATH="$PATH" "$@"`);
	script('service', `echo "service $*" >> ${log}`);
	script('sleep', `echo "sleep $*" >> ${log}`);
	script('id', `if [ "\${1:-}" = -u ]; then echo ${options.uid}; else exec /usr/bin/id "$@"; fi`);
	return {
		bin,
		calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trimEnd().split('\n') : []),
	};
}

function runScript(m: Machine, args: string[], env: NodeJS.ProcessEnv = {}) {
	return spawnSync('bash', args, {
		cwd: ROOT,
		encoding: 'utf8',
		timeout: 30_000,
		env: { ...process.env, ...env, PATH: `${m.bin}:${process.env.PATH ?? ''}` },
	});
}

describe('Debian packages for the browser and scale tests, on a fresh machine', () => {
	let dir: string;
	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), 'apt-install-test-'));
	});
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	it('ui.sh installs chromium through sudo without questions, and waits out another apt holding the lock', () => {
		const m = machine(dir, { uid: 1000, failUpdates: 2, failInstall: true });
		const result = runScript(m, ['scripts/ui.sh'], {
			CHROMIUM_PATH: join(dir, 'no-chromium-here'),
		});
		// The stand-in's install fails on purpose, so that ui.sh stops before n8n.
		expect(result.stderr).toContain('E: stand-in stops here');
		const aptCalls = m.calls().filter((c) => c.startsWith('apt-get'));
		expect(aptCalls).toEqual([
			'apt-get noninteractive|-o DPkg::Lock::Timeout=600 update -qq',
			'apt-get noninteractive|-o DPkg::Lock::Timeout=600 update -qq',
			'apt-get noninteractive|-o DPkg::Lock::Timeout=600 update -qq',
			'apt-get noninteractive|-o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium',
		]);
		expect(m.calls().filter((c) => c.startsWith('sleep'))).toEqual(['sleep 20', 'sleep 20']);
	});

	it('stops the services redis-server and postgresql start on install, as root without sudo', () => {
		const m = machine(dir, { uid: 0, failUpdates: 0, failInstall: false });
		const result = runScript(m, ['scripts/apt-install.sh', 'redis-server', 'postgresql']);
		expect(result.status).toBe(0);
		expect(m.calls()).toEqual([
			'apt-get noninteractive|-o DPkg::Lock::Timeout=600 update -qq',
			'apt-get noninteractive|-o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends redis-server postgresql',
			'service postgresql stop',
			'service redis-server stop',
		]);
	});

	it('gives up when the package lists stay locked, with apt’s own message', () => {
		const m = machine(dir, { uid: 0, failUpdates: 99, failInstall: false });
		const result = runScript(m, ['scripts/apt-install.sh', 'chromium']);
		expect(result.status).toBe(1);
		expect(result.stderr).toContain('Could not get lock /var/lib/apt/lists/lock');
		expect(m.calls().filter((c) => c.includes(' install '))).toEqual([]);
		expect(m.calls().filter((c) => c.includes(' update '))).toHaveLength(6);
	});
});
