import type { IExecuteFunctions, INodeExecutionData, INodeParameterResourceLocator } from 'n8n-workflow';

import { fieldPathOf, readPath } from '../core/fieldPath';

/**
 * Reads a per-item parameter. A plain `{{ $json.field }}` reference is read straight from the item;
 * anything else goes through n8n's expression engine as usual. Either way the value is the same.
 */
export function itemValueReader(
	ctx: IExecuteFunctions,
	name: string,
	items: INodeExecutionData[],
	fallbackRaw?: string,
): (itemIndex: number) => unknown {
	const raw = ctx.getNode().parameters[name] ?? fallbackRaw;
	const path = fieldPathOf(raw);
	if (path) return (i) => readPath(items[i].json, path);
	return (i) => ctx.getNodeParameter(name, i, undefined);
}

/** Object types: evaluated once unless they are an expression that may differ per item. */
export function objectTypeReader(ctx: IExecuteFunctions, name: string): (itemIndex: number) => unknown {
	const raw = ctx.getNode().parameters[name] as INodeParameterResourceLocator | string | undefined;
	const value = typeof raw === 'object' && raw !== null ? raw.value : raw;
	const read = (i: number) => ctx.getNodeParameter(name, i, '', { extractValue: true });
	if (typeof value === 'string' && value.startsWith('=')) return read;
	let once: { value: unknown } | undefined;
	return (i) => {
		once ??= { value: read(i) };
		return once.value;
	};
}

/** A parameter that holds an expression anywhere inside it (a fixedCollection's field may be one). */
function holdsExpression(raw: unknown): boolean {
	if (typeof raw === 'string') return raw.startsWith('=');
	if (Array.isArray(raw)) return raw.some(holdsExpression);
	if (raw && typeof raw === 'object') return Object.values(raw).some(holdsExpression);
	return false;
}

/**
 * The labels an item names: the dropdown's values, or the type id and category fields. Read once
 * unless an expression in them may differ per item.
 */
export function labelReader(ctx: IExecuteFunctions): (itemIndex: number) => unknown {
	const source = ctx.getNodeParameter('labelSource', 0, 'list') as string;
	const name = source === 'typeIds' ? 'labelTypes' : 'labels';
	const read = (i: number): unknown => {
		const value = ctx.getNodeParameter(name, i, source === 'typeIds' ? {} : []);
		return source === 'typeIds' ? ((value as { types?: unknown }).types ?? []) : value;
	};
	if (holdsExpression(ctx.getNode().parameters[name])) return read;
	let once: { value: unknown } | undefined;
	return (i) => {
		once ??= { value: read(i) };
		return once.value;
	};
}
