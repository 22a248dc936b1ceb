/**
 * Wall time, CPU time and peak heap of one benchmark row. CPU comes from `process.cpuUsage()` around
 * the row (the emulator runs in its own process, so this is the node's work alone); heap is sampled
 * every few milliseconds while the row runs and once more at its end, with a full GC before it, so that one row's garbage does not count against the next.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { performance } from 'node:perf_hooks';
import { runInNewContext } from 'node:vm';

export interface Measured<T> {
	result: T;
	wallMs: number;
	cpuMs: number;
	/** Heap in use before the row (after GC). */
	heapBeforeBytes: number;
	/** Highest heap in use seen while the row ran. */
	peakHeapBytes: number;
	/** Wall-clock start and end (ms since the epoch), to line up with the emulator's request log. */
	startedAt: number;
	endedAt: number;
}

const heapUsed = (): number => getHeapStatistics().used_heap_size;

/** V8's gc(), also when node was started without --expose-gc (the flag can be set at run time). */
function findGc(): (() => void) | undefined {
	const exposed = (globalThis as { gc?: () => void }).gc;
	if (exposed) return exposed;
	try {
		setFlagsFromString('--expose-gc');
		return runInNewContext('gc') as () => void;
	} catch {
		return undefined;
	}
}

const gc = findGc();

export function collectGarbage(): void {
	gc?.();
	gc?.();
}

export async function measure<T>(work: () => Promise<T>, sampleEveryMs = 10): Promise<Measured<T>> {
	collectGarbage();
	const heapBeforeBytes = heapUsed();
	let peakHeapBytes = heapBeforeBytes;
	const sampler = setInterval(() => {
		peakHeapBytes = Math.max(peakHeapBytes, heapUsed());
	}, sampleEveryMs);
	const cpuBefore = process.cpuUsage();
	const startedAt = Date.now();
	const started = performance.now();
	try {
		const result = await work();
		const wallMs = performance.now() - started;
		const cpu = process.cpuUsage(cpuBefore);
		peakHeapBytes = Math.max(peakHeapBytes, heapUsed());
		return { result, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, heapBeforeBytes, peakHeapBytes, startedAt, endedAt: Date.now() };
	} finally {
		clearInterval(sampler);
	}
}
