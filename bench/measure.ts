/**
 * Wall time, CPU time and peak heap of one benchmark row. CPU comes from `process.cpuUsage()` around
 * the row (the emulator runs in its own process, so this is the node's work alone). The peak heap is
 * the highest heap in use seen at the start of any garbage collection during the row (V8's GCProfiler:
 * the heap only grows between collections, so those are its high points) or at its end, with a full GC
 * before the row, so that one row's garbage does not count against the next. An earlier version polled
 * the heap every 10 ms instead: on this machine each wake-up cost about 0.14 ms of CPU, 14 ms per second
 * of a row, which a 19-second row charged to the node (about 2.7 µs per item at 100,000 items).
 */
import { GCProfiler, getHeapStatistics, setFlagsFromString } from 'node:v8';
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

export async function measure<T>(work: () => Promise<T>): Promise<Measured<T>> {
	collectGarbage();
	const heapBeforeBytes = heapUsed();
	const collections = new GCProfiler();
	collections.start();
	const cpuBefore = process.cpuUsage();
	const startedAt = Date.now();
	const started = performance.now();
	let result: T;
	let wallMs: number;
	let cpu: NodeJS.CpuUsage;
	let collected: NonNullable<ReturnType<GCProfiler['stop']>>['statistics'];
	try {
		result = await work();
		wallMs = performance.now() - started;
		cpu = process.cpuUsage(cpuBefore);
	} finally {
		collected = collections.stop()?.statistics ?? [];
	}
	let peakHeapBytes = Math.max(heapBeforeBytes, heapUsed());
	for (const gc of collected)
		peakHeapBytes = Math.max(peakHeapBytes, gc.beforeGC.heapStatistics.usedHeapSize);
	return {
		result,
		wallMs,
		cpuMs: (cpu.user + cpu.system) / 1000,
		heapBeforeBytes,
		peakHeapBytes,
		startedAt,
		endedAt: Date.now(),
	};
}
