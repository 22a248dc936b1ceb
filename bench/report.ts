/**
 * The table (Markdown) and the targets, as text for the terminal and bench/results/.
 */
import { markdownTable } from './markdown';
import type { RepeatedRow } from './repeats';
import { KIND_LABEL, requestsNeeded, type BenchSettings, type RowResult } from './rows';
import { SHAPE_LABEL } from './workloads';

export interface TargetCheck {
	target: string;
	subject: string;
	value: string;
	pass: boolean | null;
	note?: string;
}

const s = (ms: number) => (ms / 1000).toFixed(2);
const k = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));

function rowLabel(row: RowResult): string {
	const base = KIND_LABEL[row.kind];
	const parts = [row.kind === 'parallel' ? `${base} (${row.executions})` : base];
	if (row.concurrency !== undefined) parts.push(`concurrency ${row.concurrency}`);
	if (row.batchSize !== undefined) parts.push(`${row.batchSize} pairs/request`);
	return parts.join(', ');
}

function workloadLabel(row: RowResult): string {
	const per =
		row.executions && row.executions > 1 ? `${row.executions} × ${k(row.size)}` : k(row.size);
	return `${per} · ${SHAPE_LABEL[row.shape]}`;
}

export function ratio(row: RowResult): number | undefined {
	return row.boundMs > 0 ? row.wallMs / row.boundMs : undefined;
}

/** The node's CPU per item; for a repeated row the median with the range of its runs. */
function nodeCpu(row: RowResult): string {
	const runs = (row as Partial<RepeatedRow>).cpuUsPerItemRuns;
	if (!runs || runs.length < 2) return row.cpuUsPerItem.toFixed(1);
	return `${row.cpuUsPerItem.toFixed(1)} (${Math.min(...runs).toFixed(1)}–${Math.max(...runs).toFixed(1)})`;
}

export function table(rows: RowResult[]): string {
	const header = [
		'items · shape',
		'approach',
		'requests',
		'429s',
		'time s',
		'bound s',
		'time/bound',
		'run CPU µs/item',
		'node CPU µs/item',
		'peak heap MB',
		'lost',
		'dup',
		'failed',
	];
	const lines = rows.map((row) => [
		workloadLabel(row),
		rowLabel(row),
		String(row.requests),
		String(row.rateLimited),
		s(row.wallMs),
		s(row.boundMs),
		ratio(row) === undefined ? '–' : ratio(row)!.toFixed(3),
		((row.cpuMs * 1000) / row.items).toFixed(1),
		row.kind === 'official' || row.kind === 'officialScaled' ? '–' : nodeCpu(row),
		row.peakHeapMB.toFixed(0),
		String(row.lost),
		String(row.duplicated),
		String(row.failed),
	]);
	return markdownTable(header, lines, new Set(header.map((_, i) => i).filter((i) => i >= 2)));
}

const find = (rows: RowResult[], kind: RowResult['kind'], size: number, shape: string) =>
	rows.find((r) => r.kind === kind && r.size === size && r.shape === shape && !r.sweep);

export function checkTargets(rows: RowResult[], settings: BenchSettings): TargetCheck[] {
	const checks: TargetCheck[] = [];
	const main = rows.filter((r) => r.kind === 'node' && !r.sweep);
	for (const row of main) {
		if (row.size < 10_000) continue;
		const r = ratio(row);
		const subject = `node ${workloadLabel(row)}`;
		if (r === undefined) {
			checks.push({
				target: 'time ≤ 1.10 × rate-limit bound',
				subject,
				value: `${s(row.wallMs)} s, bound 0`,
				pass: null,
				note: `all ${requestsNeeded(row, settings)} requests fit in the first window's burst, so the bound is 0 and the time is set by latency × requests / concurrency`,
			});
		} else {
			checks.push({
				target: 'time ≤ 1.10 × rate-limit bound',
				subject,
				value: `${r.toFixed(3)} × (${s(row.wallMs)} s / ${s(row.boundMs)} s)`,
				pass: r <= 1.1,
				note: `before the first request ${s(row.beforeFirstMs)} s (engine, reading and planning the items), requests ${s(row.sendMs)} s (${(row.sendMs / row.boundMs).toFixed(3)} × bound), after the last answer ${s(row.afterLastMs)} s (output items)`,
			});
		}
	}
	for (const row of rows) {
		const share = row.requests > 0 ? row.rateLimited / row.requests : 0;
		checks.push({
			target: '429s ≤ 1 % of requests',
			subject: `${rowLabel(row)} ${workloadLabel(row)}`,
			value: `${(share * 100).toFixed(2)} % (${row.rateLimited}/${row.requests})`,
			pass: share <= 0.01,
		});
	}
	for (const row of rows) {
		const bad = row.lost + row.duplicated + row.failed + row.misplaced;
		checks.push({
			target: '0 items lost, duplicated, failed or out of place',
			subject: `${rowLabel(row)} ${workloadLabel(row)}`,
			value: `lost ${row.lost}, dup ${row.duplicated}, failed ${row.failed}, misplaced ${row.misplaced}`,
			pass: bad === 0,
		});
	}
	for (const row of main) {
		for (const kind of ['official', 'officialScaled'] as const) {
			const peer = find(rows, kind, row.size, row.shape);
			if (!peer) continue;
			const speedup = peer.wallMs / row.wallMs;
			checks.push({
				target: '≥ 1.5 × faster than the official client',
				subject: `${KIND_LABEL[kind]} ${workloadLabel(row)}`,
				value: `${speedup.toFixed(2)} × (${s(peer.wallMs)} s vs ${s(row.wallMs)} s)`,
				pass: speedup >= 1.5,
			});
		}
		const perItem = find(rows, 'perItem', row.size, row.shape);
		const perItemRequests = perItem ? perItem.requests : row.size;
		const fewer = perItemRequests / Math.max(1, row.requests);
		checks.push({
			target: '≥ 50 × fewer requests than one request per item',
			subject: workloadLabel(row),
			value: `${fewer.toFixed(0)} × (${perItemRequests} vs ${row.requests})`,
			pass: fewer >= 50,
			note: perItem
				? undefined
				: `per-item row not run at this size: one request per item is ${row.size} requests by construction (and at least ${s(((row.size - settings.rateMax) / settings.rateMax) * settings.rateIntervalMs)} s)`,
		});
		checks.push({
			target: 'node CPU ≤ 20 µs per item',
			subject: workloadLabel(row),
			value: `${nodeCpu(row)} µs`,
			pass: row.size >= 10_000 ? row.cpuUsPerItem <= 20 : null,
			note:
				row.size < 10_000
					? 'fixed cost per run (engine, first request) dominates at this size'
					: undefined,
		});
	}
	// The diagnostic row (same items, a tenth of the requests) splits the node's CPU into per request and per item.
	const fewer = rows.find(
		(r) => r.kind === 'node' && r.batchSize !== undefined && r.executions === 1,
	);
	const same = fewer && main.find((r) => r.size === fewer.size && r.shape === fewer.shape);
	if (fewer && same && same.requests > fewer.requests) {
		const perRequestMs =
			(same.cpuMs - same.engineCpuMs - (fewer.cpuMs - fewer.engineCpuMs)) /
			(same.requests - fewer.requests);
		const perItemUs =
			((fewer.cpuMs - fewer.engineCpuMs) * 1000 - perRequestMs * 1000 * fewer.requests) /
			fewer.items;
		checks.push({
			target: 'node CPU: what it is made of',
			subject: `${workloadLabel(same)}, ${same.requests} vs ${fewer.requests} requests`,
			value: `${perRequestMs.toFixed(2)} ms per request (n8n's HTTP helper and the node's transport), ${perItemUs.toFixed(1)} µs per item besides`,
			pass: null,
			note: `at ${settingsPairs(same)} pairs per request that is ${((perRequestMs * 1000 * same.requests) / same.items).toFixed(1)} µs per item for the requests`,
		});
	}
	for (const shape of new Set(main.map((r) => r.shape))) {
		const bySize = main.filter((r) => r.shape === shape).sort((a, b) => a.size - b.size);
		if (bySize.length < 2) continue;
		const small = bySize.find((r) => r.size >= 10_000) ?? bySize[0];
		const large = bySize[bySize.length - 1];
		if (small === large) continue;
		const growth = large.cpuUsPerItem / small.cpuUsPerItem;
		const heapGrowth =
			(large.peakHeapMB - large.heapBeforeMB) /
			large.size /
			((small.peakHeapMB - small.heapBeforeMB) / small.size);
		checks.push({
			target: 'cost linear in items (per-item CPU and heap at the largest size ≤ 1.25 × at 10k)',
			subject: `${SHAPE_LABEL[shape]} ${k(small.size)} → ${k(large.size)}`,
			value: `CPU/item × ${growth.toFixed(2)}, heap/item × ${heapGrowth.toFixed(2)}; CPU ${bySize.map((r) => `${k(r.size)}: ${r.cpuUsPerItem.toFixed(1)}`).join(', ')} µs/item`,
			pass: growth <= 1.25 && heapGrowth <= 1.25,
		});
	}
	return checks;
}

function settingsPairs(row: RowResult): number {
	return Math.round(row.pairs / Math.max(1, row.requests - row.rateLimited));
}

export function targetsText(checks: TargetCheck[]): string {
	return checks
		.map(
			(c) =>
				`${c.pass === null ? 'n/a ' : c.pass ? 'PASS' : 'FAIL'}  ${c.target} · ${c.subject}: ${c.value}${c.note ? ` (${c.note})` : ''}`,
		)
		.join('\n');
}
