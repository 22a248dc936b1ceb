import { perfectPacingMs, perfectSchedule, type PacedCall } from '../../scripts/perfectPacing';

describe('perfect pacing: the scale test’s run with a throttle that knew when every slot frees', () => {
	it('sends a full window at once, then each request as the one max places before it leaves', () => {
		// 120 requests ready at once against 100 per 10 s: the 101st goes when the 1st leaves.
		const calls: PacedCall[] = Array.from({ length: 40 }, () => ({ readyAt: 0, requests: 3, tailMs: 50 }));
		const times = perfectSchedule(calls, 100, 10_000).flat();
		expect(times.filter((t) => t === 0)).toHaveLength(100);
		expect(times.filter((t) => t === 10_000)).toHaveLength(20);
		expect(perfectPacingMs(calls, 100, 10_000)).toBe(10_050);
	});

	it('lets late executions take the slots the earliest requests free, not a window after their own start', () => {
		// Like the scale test: 32 executions fill the window between 1 s and 2.6 s, 8 more start at
		// 2.7 s. Their 24 requests: 4 into the window's last free slots at once, 20 as the first 20
		// requests leave it (11.0–11.2 s), not at 12.7 s as a throttle that must wait for its own first
		// request to leave.
		const early: PacedCall[] = Array.from({ length: 32 }, (_, c) => ({ readyAt: 1000 + c * 50, requests: 3, tailMs: 30 }));
		const late: PacedCall[] = Array.from({ length: 8 }, () => ({ readyAt: 2700, requests: 3, tailMs: 30 }));
		const schedule = perfectSchedule([...early, ...late], 100, 10_000);
		const lateTimes = schedule.slice(32).flat().sort((a, b) => a - b);
		expect(lateTimes.slice(0, 4)).toEqual([2700, 2700, 2700, 2700]);
		expect(lateTimes.slice(4)).toEqual(schedule.slice(0, 7).flat().slice(0, 20).map((t) => t + 10_000));
		expect(perfectPacingMs([...early, ...late], 100, 10_000)).toBe(1000 + 6 * 50 + 10_000 + 30);
	});

	it('never puts more than max requests in any window', () => {
		const calls: PacedCall[] = Array.from({ length: 60 }, (_, c) => ({ readyAt: (c * 7919) % 5000, requests: 1 + (c % 4), tailMs: 10 }));
		const times = perfectSchedule(calls, 25, 1000).flat().sort((a, b) => a - b);
		for (let i = 25; i < times.length; i++) expect(times[i] - times[i - 25]).toBeGreaterThanOrEqual(1000);
		// And no request before its call was ready.
		perfectSchedule(calls, 25, 1000).forEach((ts, c) => ts.forEach((t) => expect(t).toBeGreaterThanOrEqual(calls[c].readyAt)));
	});

	it('ends a call as long after its last request as the real run did', () => {
		expect(perfectPacingMs([{ readyAt: 500, requests: 1, tailMs: 700 }, { readyAt: 900, requests: 1, tailMs: 20 }], 10, 1000)).toBe(1200);
	});
});
