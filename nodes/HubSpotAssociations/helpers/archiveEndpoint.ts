/**
 * batch/archive, through which both "Archive Associations" and "Remove All Associations of Records"
 * remove associations: kept here so that neither operation depends on the other's file.
 */
import type { ApiVersion } from '../transport/paths';
import type { Unit } from './planBatches';
import type { PairTypes } from './responses';
import { batchEndpoint } from './sendBatch';

/**
 * batch/archive takes one input per from id with its to ids; consecutive pairs of one from id share
 * it.
 */
export function archiveEndpoint(version: ApiVersion, types: PairTypes) {
	return batchEndpoint(version, types, 'batch/archive', (units: readonly Unit[]) => {
		const inputs: Array<{ from: { id: string }; to: Array<{ id: string }> }> = [];
		let last: (typeof inputs)[number] | undefined;
		for (const unit of units) {
			if (last?.from.id !== unit.from) inputs.push((last = { from: { id: unit.from }, to: [] }));
			last.to.push({ id: unit.to! });
		}
		return inputs;
	});
}
