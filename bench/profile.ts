/**
 * npm run bench:profile
 *   [-- --size 100000 --shape onePair|tenPerFrom|oneItem --rounds 2 --heap --no-window]
 *
 * Where the node's CPU goes in one benchmark row (the node alone, paced by the benchmark's window
 * unless --no-window): per round the wall time, the process's CPU, the main thread's CPU apart from
 * V8's helper threads (garbage collection, background compilation), and the node's CPU per pair
 * (less the same workflow with a pass-through node). `--shape oneItem` is one item asking for all
 * the pairs of one from id, spread over many requests, as a webhook that carries a record's
 * associations gives it. With --heap, V8's sampling heap profiler records every allocation of the
 * last round, collected or not, and prints who allocated how much: the node's own modules, n8n's
 * engine, the HTTP stack (n8n's helper, axios, Node's http), by function.
 *
 * It is the tool behind the figures on allocation and GC in docs/performance.md.
 */
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { join } from 'node:path';

import { startEmulatorProcess } from './emulator';
import { collectGarbage } from './measure';
import { DEFAULT_SETTINGS } from './plan';
import { emulatorSettings } from './rows';
import { runNode, runPassThrough } from './runners';
import { threadCpu, threadCpuSince } from './threads';
import {
	makeOneItemWorkload,
	makeWorkload,
	type OneItemWorkload,
	type Shape,
	type Workload,
} from './workloads';

const ROOT = join(__dirname, '..');

interface SamplingNode {
	callFrame: { functionName: string; url: string; lineNumber: number };
	selfSize: number;
	children: SamplingNode[];
}

/** Who a frame belongs to, for the allocation summary. */
export function ownerOf(url: string): string {
	if (url.includes('/nodes/HubSpotAssociations/')) return 'the node (nodes/HubSpotAssociations)';
	if (/node_modules\/(n8n-core|n8n-workflow)\//.test(url))
		return "n8n's engine (n8n-core, n8n-workflow)";
	if (
		/node_modules\/(axios|@n8n\/backend-network|proxy-from-env|follow-redirects)\//.test(url) ||
		/^node:(_http|http|net|internal\/(streams|stream_base|http))/.test(url)
	) {
		return "the HTTP stack (n8n's request helper, axios, Node's http)";
	}
	if (url.includes('/test/') || url.includes('/bench/')) return 'the benchmark and its harness';
	if (url === '') return 'V8 built-ins (called from any of the above)';
	return 'other';
}

function summarise(head: SamplingNode): {
	byOwner: Map<string, number>;
	byFunction: Map<string, number>;
	total: number;
} {
	const byOwner = new Map<string, number>();
	const byFunction = new Map<string, number>();
	let total = 0;
	const visit = (node: SamplingNode, ownerAbove: string) => {
		const { functionName, url, lineNumber } = node.callFrame;
		// Built-ins (Array.prototype.push, Map.prototype.set …) count for whoever called them.
		const owner = url === '' && ownerAbove ? ownerAbove : ownerOf(url);
		if (node.selfSize > 0) {
			total += node.selfSize;
			byOwner.set(owner, (byOwner.get(owner) ?? 0) + node.selfSize);
			const name =
				url === ''
					? `${functionName || '(anonymous)'} (built-in, for ${owner.replace(/ \(.*$/, '')})`
					: `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^.*?\/(nodes|test|bench)\//, '$1/')}:${lineNumber + 1}`;
			byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
		}
		for (const child of node.children) visit(child, owner);
	};
	visit(head, '');
	return { byOwner, byFunction, total };
}

/**
 * One measured run of the node, its output checked and dropped here: a result held in `main`'s frame
 * stays alive into the next round (until the variable is assigned again), and its 100,000 output
 * items added about 38 MB to the heap every later round's collections had to mark.
 */
async function runNodeAndCheck(
	baseUrl: string,
	workload: Workload | OneItemWorkload,
	round: number,
): Promise<void> {
	const result = await runNode(baseUrl, workload);
	const items = workload.items.length;
	if (result.error || result.output.length !== items) {
		throw new Error(
			`round ${round}: ${result.output.length} of ${items} items, ${result.error ?? 'no error'}`,
		);
	}
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			size: { type: 'string' },
			shape: { type: 'string' },
			rounds: { type: 'string' },
			heap: { type: 'boolean' },
			'no-window': { type: 'boolean' },
		},
	});
	const size = Number(values.size ?? 100_000);
	const shape: Shape | 'oneItem' =
		values.shape === 'tenPerFrom' || values.shape === 'oneItem' ? values.shape : 'onePair';
	const rounds = Math.max(1, Number(values.rounds ?? 2));
	// As the benchmark's node rows have it, less the window with --no-window.
	const settings = {
		...emulatorSettings(DEFAULT_SETTINGS, false),
		...(values['no-window'] ? { rateLimit: null } : {}),
	};
	console.log(
		`Profile: node alone, ${size} pairs (${shape}), ${rounds} round(s), window ${settings.rateLimit ? `${settings.rateLimit.max} per ${settings.rateLimit.intervalMs} ms` : 'off'}, latency ${settings.latencyMs} ms`,
	);

	const emulator = await startEmulatorProcess(ROOT);
	const session = new Session();
	session.connect();
	try {
		for (let round = 1; round <= rounds; round++) {
			// A fresh store, window and stats each round.
			await emulator.control.reset();
			await emulator.control.settings(settings);
			const base = round * 10_000_000;
			const workload =
				shape === 'oneItem' ? makeOneItemWorkload(size, base) : makeWorkload(size, shape, base);
			await emulator.control.seed(workload.pairs);

			collectGarbage();
			const engineBefore = process.cpuUsage();
			await runPassThrough(workload);
			const engine = process.cpuUsage(engineBefore);
			const engineMs = (engine.user + engine.system) / 1000;

			const sampling = values.heap && round === rounds;
			collectGarbage();
			if (sampling) {
				await session.post('HeapProfiler.startSampling', {
					samplingInterval: 16_384,
					includeObjectsCollectedByMajorGC: true,
					includeObjectsCollectedByMinorGC: true,
				} as never);
			}
			const threadsBefore = threadCpu();
			const cpuBefore = process.cpuUsage();
			const started = Date.now();
			await runNodeAndCheck(emulator.control.baseUrl, workload, round);
			const cpu = process.cpuUsage(cpuBefore);
			const wallMs = Date.now() - started;
			const threads = threadCpuSince(threadsBefore);
			const cpuMs = (cpu.user + cpu.system) / 1000;
			console.log(
				`round ${round}: ${(wallMs / 1000).toFixed(2)} s wall; process CPU ${cpuMs.toFixed(0)} ms = main thread ${threads.mainMs} ms + V8 helper threads ${threads.v8HelpersMs} ms + other ${threads.otherMs} ms (10 ms ticks); ` +
					`pass-through ${engineMs.toFixed(0)} ms; node CPU ${(((cpuMs - engineMs) * 1000) / size).toFixed(1)} µs per pair`,
			);
			if (sampling) {
				const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as {
					profile: { head: SamplingNode };
				};
				const { byOwner, byFunction, total } = summarise(profile.head);
				console.log(`\nAllocated during the node's run (collected or not): ${mb(total)}`);
				for (const [owner, bytes] of [...byOwner].sort((a, b) => b[1] - a[1]))
					console.log(`  ${mb(bytes).padStart(9)}  ${owner}`);
				console.log('\nTop allocating functions (own allocations):');
				for (const [name, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 20))
					console.log(`  ${mb(bytes).padStart(9)}  ${name}`);
			}
		}
	} finally {
		session.disconnect();
		await emulator.stop();
	}
}

if (require.main === module) {
	main().catch((error: unknown) => {
		console.error(error);
		process.exitCode = 1;
	});
}
