import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** .ci/steps.sh, which .ci/run sources: runs `script` after it, as .ci/run does (set -euo pipefail). */
const STEPS = join(__dirname, '..', '..', '.ci', 'steps.sh');

/** `tmp`: where the logs go (TMPDIR), removed by the test: a failed run keeps its logs. */
function ci(
	script: string,
	tmp: string,
): { status: number | null; output: string; lines: string[] } {
	const result = spawnSync(
		'bash',
		['-c', `set -euo pipefail\nsource ${JSON.stringify(STEPS)}\n${script}`],
		{
			encoding: 'utf8',
			timeout: 30_000,
			env: { ...process.env, TMPDIR: tmp },
		},
	);
	const output = `${result.stdout}${result.stderr}`;
	return { status: result.status, output, lines: output.trimEnd().split('\n') };
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

describe('.ci/steps.sh: a failed CI run ends by naming what failed', () => {
	let work: string;
	beforeEach(() => {
		work = mkdtempSync(join(tmpdir(), 'ci-steps-test-'));
	});
	afterEach(() => rmSync(work, { recursive: true, force: true }));

	it('ends with the failed step, its exit status and the end of its output; passing steps stay visible', () => {
		const { status, output, lines } = ci(
			`
step "first"
run echo "first step's output"
step "second"
run bash -c 'for i in $(seq 1 200); do echo "line $i"; done; echo "the actual error" >&2; exit 3'
step "never reached"
`,
			work,
		);
		expect(status).toBe(3);
		expect(output).toContain("first step's output");
		expect(output).not.toContain('=== never reached');
		expect(lines[lines.length - 1]).toMatch(
			/^=== CI failed: step "second" failed \(exit 3\); every step's whole output is in \S+/,
		);
		// The repeated end of the step's output: its last 80 lines, after the header naming the step.
		const header = lines.findIndex((line) => line.startsWith('=== step "second" failed (exit 3)'));
		expect(header).toBeGreaterThan(0);
		const tail = lines.slice(header + 1, -1);
		expect(tail).toHaveLength(80);
		expect(tail[0]).toBe('line 122');
		expect(tail[tail.length - 1]).toBe('the actual error');
	});

	it('names a step that failed outside `run` too, and keeps each step’s whole output in a log', () => {
		const { status, lines } = ci(
			`
step "install"
run echo "installed"
step "check"
echo "checking"
false
`,
			work,
		);
		expect(status).toBe(1);
		expect(lines[lines.length - 1]).toMatch(/^=== CI failed: step "check" failed \(exit 1\)/);
		const logs = /every step's whole output is in (\S+)/.exec(lines[lines.length - 1])?.[1] ?? '';
		expect(readFileSync(join(logs, 'step-01.log'), 'utf8')).toBe('installed\n');
		rmSync(logs, { recursive: true, force: true });
	});

	it('passes with the exit status of the last step, prints no failure and removes its logs', () => {
		const { status, output } = ci(
			`
step "only"
run echo "fine"
echo "logs in $ci_logs" >&2
`,
			work,
		);
		expect(status).toBe(0);
		// Whole seconds since the start: a second boundary may fall between the start and the step.
		expect(output).toMatch(/=== only \([01] s since start\)/);
		expect(output).not.toMatch(/failed/);
		const logs = /logs in (\S+)/.exec(output)?.[1] ?? '';
		expect(logs).not.toBe('');
		expect(existsSync(logs)).toBe(false);
	});

	it('waits for a background job and, when it failed, shows the end of its log under its own step', () => {
		const { status, output, lines } = ci(
			`
background slow-install bash -c 'echo "downloading"; sleep 1; echo "npm error 404 Not Found: n8n@9.9.9" >&2; exit 7'
step "tests meanwhile"
run echo "tests ran"
wait_background slow-install "$background_pid"
step "e2e"
`,
			work,
		);
		expect(status).toBe(7);
		expect(output).toContain('tests ran');
		expect(output).not.toContain('=== e2e');
		expect(lines[lines.length - 1]).toMatch(
			/^=== CI failed: step "waiting for slow-install" failed \(exit 7\)/,
		);
		expect(lines.slice(-3, -1)).toEqual(['downloading', 'npm error 404 Not Found: n8n@9.9.9']);
	});

	it('shows the last lines of a background job that succeeded', () => {
		const { status, output } = ci(
			`
background quick bash -c 'echo one; echo two; echo three; echo four'
wait_background quick "$background_pid"
`,
			work,
		);
		expect(status).toBe(0);
		expect(output).toMatch(/=== waiting for quick \(\d+ s since start\)\ntwo\nthree\nfour\n/);
	});

	it('stops every process of a background job when an earlier step fails (not only the job’s shell)', () => {
		const pidFile = join(work, 'grandchild.pid');
		const { status } = ci(
			`
background install bash -c 'sleep 300 & echo $! > ${pidFile}; wait'
while [ ! -s ${pidFile} ]; do sleep 0.05; done
step "unit tests"
run false
`,
			work,
		);
		expect(status).toBe(1);
		const grandchild = Number(readFileSync(pidFile, 'utf8'));
		expect(grandchild).toBeGreaterThan(0);
		// The trap sends SIGTERM to the job's process group; give the signal a moment to land.
		const deadline = Date.now() + 5000;
		while (alive(grandchild) && Date.now() < deadline) spawnSync('sleep', ['0.1']);
		const survived = alive(grandchild);
		// Not left behind when the assertion fails.
		if (survived) process.kill(grandchild, 'SIGKILL');
		expect(survived).toBe(false);
	});
});
