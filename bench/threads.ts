/**
 * CPU time per thread of this process, from Linux's /proc/self/task/<tid>/stat: the main thread (the
 * node's JavaScript) apart from V8's helper threads (parallel and concurrent garbage collection,
 * background compilation). `process.cpuUsage()` gives only their sum. Elsewhere than Linux: empty.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ThreadCpu {
	tid: string;
	name: string;
	/** user + system, in ms (the kernel counts in clock ticks, 10 ms here). */
	cpuMs: number;
}

/** One line of /proc/<pid>/task/<tid>/stat: the name sits in brackets and may hold spaces. */
export function parseTaskStat(tid: string, line: string, msPerTick = 10): ThreadCpu | undefined {
	const open = line.indexOf('(');
	const close = line.lastIndexOf(')');
	if (open < 0 || close < open) return undefined;
	// After the name: state (field 3), then fields 4…; utime and stime are fields 14 and 15.
	const fields = line.slice(close + 2).split(' ');
	const user = Number(fields[11]);
	const system = Number(fields[12]);
	if (!Number.isFinite(user) || !Number.isFinite(system)) return undefined;
	return { tid, name: line.slice(open + 1, close), cpuMs: (user + system) * msPerTick };
}

export function threadCpu(): ThreadCpu[] {
	let tids: string[];
	try {
		tids = readdirSync('/proc/self/task');
	} catch {
		return [];
	}
	const threads: ThreadCpu[] = [];
	for (const tid of tids) {
		try {
			const parsed = parseTaskStat(tid, readFileSync(`/proc/self/task/${tid}/stat`, 'utf8'));
			if (parsed) threads.push(parsed);
		} catch {
			// The thread ended between the listing and the read.
		}
	}
	return threads;
}

/** CPU spent between two snapshots: the main thread (the process's own id) and V8's helper threads. */
export function threadCpuSince(
	before: ThreadCpu[],
	after: ThreadCpu[] = threadCpu(),
): { mainMs: number; v8HelpersMs: number; otherMs: number } {
	const was = new Map(before.map((t) => [t.tid, t.cpuMs]));
	const split = { mainMs: 0, v8HelpersMs: 0, otherMs: 0 };
	for (const t of after) {
		const spent = t.cpuMs - (was.get(t.tid) ?? 0);
		if (t.tid === String(process.pid)) split.mainMs += spent;
		else if (t.name.startsWith('V8Worker') || t.name.startsWith('V8 DefaultWorke'))
			split.v8HelpersMs += spent;
		else split.otherMs += spent;
	}
	return split;
}
