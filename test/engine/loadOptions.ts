import { LoadOptionsContext } from 'n8n-core';
import { NodeHelpers, Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ILoadOptionsFunctions,
	INode,
	INodeListSearchResult,
	INodeParameters,
	INodePropertyOptions,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { TestCredentialsHelper } from './credentialsHelper';
import { HUBSPOT_NODE_TYPE, TestNodeTypes } from './nodeTypes';

/**
 * Calls the node's dropdown methods the way n8n's editor backend does (DynamicNodeParametersService):
 * a one-node workflow whose node holds the current parameters, `additionalData.currentNodeParameters`
 * set to the same, and n8n-core's own `LoadOptionsContext` as `this`. Requests go out through
 * n8n-core's request helpers and the test credentials helper, so they reach the emulator for real.
 */
export interface MethodCall {
	parameters: INodeParameters;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** The parameter path the editor asks for, e.g. "parameters.labels". */
	path?: string;
	/** The node's version in the workflow; 1 unless said. */
	typeVersion?: number;
}

const nodeTypes = new TestNodeTypes();

function contextFor(call: MethodCall): ILoadOptionsFunctions {
	const typeVersion = call.typeVersion ?? 1;
	const nodeType = nodeTypes.getByNameAndVersion(HUBSPOT_NODE_TYPE, typeVersion);
	const bare = { typeVersion };
	// The editor sends every displayed parameter with its default filled in.
	const currentNodeParameters =
		NodeHelpers.getNodeParameters(
			nodeType.description.properties,
			call.parameters,
			true,
			false,
			bare,
			nodeType.description,
		) ?? {};
	const node: INode = {
		id: 'uuid-1234',
		name: 'Temp-Node',
		type: HUBSPOT_NODE_TYPE,
		typeVersion,
		position: [0, 0],
		parameters: currentNodeParameters,
		credentials: {
			hubSpotAssociationsOAuth2Api: { id: 'cred-oauth', name: 'HubSpot OAuth2' },
			hubSpotAssociationsAppTokenApi: { id: 'cred-token', name: 'HubSpot token' },
		},
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const additionalData = {
		credentialsHelper: new TestCredentialsHelper(structuredClone(call.credentials)),
		currentNodeParameters,
		executionId: undefined,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;
	return new LoadOptionsContext(
		workflow,
		workflow.getNode('Temp-Node')!,
		additionalData,
		call.path ?? 'parameters',
	);
}

export async function loadOptions(
	method: string,
	call: MethodCall,
): Promise<INodePropertyOptions[]> {
	const nodeType = nodeTypes.getByNameAndVersion(HUBSPOT_NODE_TYPE, 1);
	const fn = nodeType.methods?.loadOptions?.[method];
	if (!fn) throw new Error(`The node has no loadOptions method ${method}`);
	return await fn.call(contextFor(call));
}

export async function listSearch(
	method: string,
	call: MethodCall,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const nodeType = nodeTypes.getByNameAndVersion(HUBSPOT_NODE_TYPE, 1);
	const fn = nodeType.methods?.listSearch?.[method];
	if (!fn) throw new Error(`The node has no listSearch method ${method}`);
	return await fn.call(contextFor(call), filter, paginationToken);
}
