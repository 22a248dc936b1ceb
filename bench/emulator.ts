/**
 * The HubSpot emulator for the benchmark, run as its own process through its CLI so that the node's
 * CPU time is measured alone, and driven over its control API (`/__emulator/*`). The same control
 * client also drives an in-process emulator (the small benchmark in the test suite).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

import type { EmulatorSettings } from '../test/emulator/settings';

/** The private-app token the benchmark's credential carries; the emulator accepts it with every scope. */
export const BENCH_TOKEN = 'pat-na1-bench000-0000-0000-0000-000000000000';

export interface LogLine {
	n: number;
	route: string;
	status: number;
	pairs?: number;
	/** When the request arrived (ms since the epoch, the emulator's clock: the same machine's). */
	at: number;
}

export interface EmulatorStatsJson {
	requests: number;
	rateLimited: number;
	archivedPairs: number;
	maxConcurrent: number;
	byStatus: Record<string, number>;
	log: LogLine[];
}

/** A client of the emulator's control API. */
export class EmulatorControl {
	constructor(readonly baseUrl: string) {}

	private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.baseUrl}/__emulator${path}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(120_000),
		});
		const text = await response.text();
		if (!response.ok)
			throw new Error(`emulator ${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
		return JSON.parse(text) as T;
	}

	/** Empty store, fresh rate-limit window and stats; the CLI's token is put back. */
	async reset(): Promise<void> {
		await this.call('POST', '/reset');
	}

	async settings(patch: Partial<EmulatorSettings>): Promise<void> {
		await this.call('POST', '/settings', patch);
	}

	/** Seeds contacts → companies pairs, in chunks so that no control request gets huge. */
	async seed(pairs: ReadonlyArray<readonly [string, string]>): Promise<void> {
		const chunk = 20_000;
		for (let i = 0; i < pairs.length; i += chunk) {
			const part = pairs
				.slice(i, i + chunk)
				.map(([from, to]) => ['contacts', from, 'companies', to]);
			await this.call('POST', '/seed', { pairs: part });
		}
	}

	/** Faults to inject (see docs/emulator.md: errorIds, at, onPath). */
	async faults(body: Record<string, unknown>): Promise<void> {
		await this.call('POST', '/faults', body);
	}

	/** Pairs still associated. */
	async count(): Promise<number> {
		return (await this.call<{ count: number }>('GET', '/state')).count;
	}

	async stats(): Promise<EmulatorStatsJson> {
		return await this.call<EmulatorStatsJson>('GET', '/stats?log=all');
	}
}

export interface EmulatorProcess {
	control: EmulatorControl;
	pid: number;
	stop(): Promise<void>;
}

/** Starts `test/emulator/cli.ts` in a child process and waits for the line that gives its base URL. */
export async function startEmulatorProcess(root: string): Promise<EmulatorProcess> {
	const child: ChildProcess = spawn(
		process.execPath,
		[
			'-r',
			require.resolve('ts-node/register/transpile-only'),
			join(root, 'test/emulator/cli.ts'),
			'--port',
			'0',
			'--token',
			BENCH_TOKEN,
		],
		{ cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
	);
	const pid = child.pid;
	if (pid === undefined) throw new Error('could not start the emulator');
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const baseUrl = await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(
			() => reject(new Error('the emulator did not print its base URL within 60 s')),
			60_000,
		);
		const lines = createInterface({ input: child.stdout! });
		lines.once('line', (line) => {
			clearTimeout(timer);
			try {
				resolve((JSON.parse(line) as { baseUrl: string }).baseUrl);
			} catch {
				reject(new Error(`unexpected first line from the emulator: ${line}`));
			}
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`the emulator exited early with code ${code}`));
		});
	});
	return {
		control: new EmulatorControl(baseUrl),
		pid,
		stop: async () => {
			if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGTERM');
			await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
		},
	};
}
