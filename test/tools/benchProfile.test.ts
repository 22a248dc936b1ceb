import { ownerOf } from '../../bench/profile';
import { parseTaskStat, threadCpu, threadCpuSince } from '../../bench/threads';

describe('bench:profile helpers', () => {
	it('reads user and system ticks of a thread, also when its name holds spaces and brackets', () => {
		const line =
			'4242 (V8 DefaultWorke) S 1 4242 4242 0 -1 4194560 120 0 0 0 37 5 0 0 20 0 11 0 100 0 0';
		expect(parseTaskStat('4242', line)).toEqual({
			tid: '4242',
			name: 'V8 DefaultWorke',
			cpuMs: 420,
		});
		const odd = '7 (a (b) c) R 1 7 7 0 -1 0 0 0 0 0 3 4 0 0';
		expect(parseTaskStat('7', odd)).toEqual({ tid: '7', name: 'a (b) c', cpuMs: 70 });
		expect(parseTaskStat('8', 'garbage')).toBeUndefined();
	});

	it('splits the CPU spent since a snapshot into the main thread and V8 helper threads', () => {
		const pid = String(process.pid);
		const before = [
			{ tid: pid, name: 'node', cpuMs: 100 },
			{ tid: '2', name: 'V8Worker', cpuMs: 10 },
		];
		const after = [
			{ tid: pid, name: 'node', cpuMs: 250 },
			{ tid: '2', name: 'V8Worker', cpuMs: 40 },
			{ tid: '3', name: 'V8Worker', cpuMs: 20 },
			{ tid: '4', name: 'libuv-worker', cpuMs: 5 },
		];
		expect(threadCpuSince(before, after)).toEqual({ mainMs: 150, v8HelpersMs: 50, otherMs: 5 });
	});

	it("finds this process's main thread on Linux", () => {
		if (process.platform !== 'linux') return;
		expect(threadCpu().some((t) => t.tid === String(process.pid))).toBe(true);
	});

	it("tells the node's allocations from n8n's, the HTTP stack's and the harness's", () => {
		expect(ownerOf('file:///x/nodes/HubSpotAssociations/helpers/planBatches.ts')).toMatch(
			/^the node/,
		);
		expect(ownerOf('/x/node_modules/n8n-core/dist/execution-engine/workflow-execute.js')).toMatch(
			/^n8n's engine/,
		);
		expect(ownerOf('/x/node_modules/axios/dist/node/axios.cjs')).toMatch(/^the HTTP stack/);
		expect(ownerOf('node:_http_client')).toMatch(/^the HTTP stack/);
		expect(ownerOf('file:///x/test/engine/runWorkflow.ts')).toMatch(/^the benchmark/);
		expect(ownerOf('')).toMatch(/^V8 built-ins/);
	});
});
