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
