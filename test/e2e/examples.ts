/**
 * The workflows in examples/ made runnable against the emulator, the way a user would adapt them after
 * importing: their own credentials picked in each node, and (only where the example names HubSpot's
 * host itself, in an HTTP Request node) the credential's base URL. For `n8n execute`, which starts only from
 * a Manual Trigger and ignores pinned data, a pinned trigger becomes a Manual Trigger followed by a Code
 * node of the same name that emits the pinned items, so the rest of the workflow runs unchanged.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { NODE_TYPE, type WorkflowJson } from './n8nCli';

export const EXAMPLES_DIR = join(__dirname, '..', '..', 'examples');

export const CREDENTIAL_TYPES = {
	appToken: 'hubSpotAssociationsAppTokenApi',
	oAuth2: 'hubSpotAssociationsOAuth2Api',
} as const;

export type Authentication = keyof typeof CREDENTIAL_TYPES;

export interface CredentialRef {
	id: string;
	name: string;
}

export function exampleFiles(): string[] {
	return readdirSync(EXAMPLES_DIR)
		.filter((f) => f.endsWith('.json'))
		.sort();
}

export function loadExample(file: string): WorkflowJson {
	return JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as WorkflowJson;
}

export interface AdaptOptions {
	id: string;
	baseUrl: string;
	credentials: Record<Authentication, CredentialRef>;
	/** Switch every HubSpot Associations node (and HTTP Request node using its credential) to this one. */
	authentication?: Authentication;
	/** Replace pinned triggers by Manual Trigger → Code (for `n8n execute`). */
	forCli?: boolean;
}

export function adaptWorkflow(source: WorkflowJson, options: AdaptOptions): WorkflowJson {
	const workflow = structuredClone(source);
	workflow.id = options.id;
	for (const node of workflow.nodes) {
		if (node.type === NODE_TYPE) {
			const authentication =
				options.authentication ?? ((node.parameters.authentication as Authentication) || 'oAuth2');
			node.parameters.authentication = authentication;
			node.credentials = {
				[CREDENTIAL_TYPES[authentication]]: options.credentials[authentication],
			};
		}
		if (node.type === 'n8n-nodes-base.httpRequest' && typeof node.parameters.url === 'string') {
			node.parameters.url = node.parameters.url.replace('https://api.hubapi.com', options.baseUrl);
			const current = node.parameters.nodeCredentialType as string;
			const authentication =
				options.authentication ?? (current === CREDENTIAL_TYPES.oAuth2 ? 'oAuth2' : 'appToken');
			node.parameters.nodeCredentialType = CREDENTIAL_TYPES[authentication];
			node.credentials = {
				[CREDENTIAL_TYPES[authentication]]: options.credentials[authentication],
			};
		}
	}
	if (options.forCli) replacePinnedTriggers(workflow);
	return workflow;
}

function replacePinnedTriggers(workflow: WorkflowJson): void {
	const pinned = workflow.pinData ?? {};
	for (const [name, items] of Object.entries(pinned)) {
		const index = workflow.nodes.findIndex((n) => n.name === name);
		if (index === -1) continue;
		const original = workflow.nodes[index];
		const manualName = `${name} (manual start)`;
		workflow.nodes[index] = {
			id: original.id,
			name,
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: original.position,
			parameters: {
				jsCode: `// The pinned sample data of "${name}".\nreturn ${JSON.stringify(items)};`,
			},
		};
		workflow.nodes.push({
			id: `${original.id ?? name}-manual`,
			name: manualName,
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [original.position[0] - 220, original.position[1]],
			parameters: {},
		});
		workflow.connections[manualName] = { main: [[{ node: name, type: 'main', index: 0 }]] };
	}
	workflow.pinData = {};
}

/**
 * A minimal workflow for the e2e's own cases: Manual Trigger → Code (items) → HubSpot Associations and,
 * with `branches`, a No Operation node on each of its outputs ("Succeeded"; "Failed" on the error output
 * of Continue (using error output)), to count what reaches each.
 */
export function codeToHubSpot(options: {
	id: string;
	name: string;
	jsCode: string;
	parameters: Record<string, unknown>;
	credential: { type: string; ref: CredentialRef };
	onError?: 'continueRegularOutput' | 'continueErrorOutput' | 'stopWorkflow';
	branches?: boolean;
}): WorkflowJson {
	const workflow: WorkflowJson = {
		id: options.id,
		name: options.name,
		nodes: [
			{
				id: 'm',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'c',
				name: 'Items',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: { jsCode: options.jsCode },
			},
			{
				id: 'h',
				name: 'HubSpot Associations',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [440, 0],
				parameters: options.parameters,
				credentials: { [options.credential.type]: options.credential.ref },
				...(options.onError ? { onError: options.onError } : {}),
			},
		],
		connections: {
			Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: 'HubSpot Associations', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		active: false,
	};
	if (options.branches) {
		const outputs =
			options.onError === 'continueErrorOutput' ? ['Succeeded', 'Failed'] : ['Succeeded'];
		outputs.forEach((name, k) => {
			workflow.nodes.push({
				id: `b${k}`,
				name,
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [660, k * 200],
				parameters: {},
			});
		});
		workflow.connections['HubSpot Associations'] = {
			main: outputs.map((node) => [{ node, type: 'main', index: 0 }]),
		};
	}
	return workflow;
}
