import type { INodeParameters } from 'n8n-workflow';

/**
 * The node's parameters for Remove Associations (contacts → companies, private app token, ids from
 * `$json.id` / `$json.to`), as a workflow holds them; `overrides` replace or add parameters. One place
 * for the engine tests, the benchmark, the e2e and the scale test. No jest hooks here, unlike setup.ts,
 * so scripts and the benchmark can import it.
 */
export function archiveParameters(overrides: INodeParameters = {}): INodeParameters {
	return {
		authentication: 'appToken',
		operation: 'archive',
		fromObjectType: { __rl: true, mode: 'list', value: 'contacts' },
		toObjectType: { __rl: true, mode: 'list', value: 'companies' },
		fromId: '={{ $json.id }}',
		toIds: '={{ $json.to }}',
		...overrides,
	};
}
