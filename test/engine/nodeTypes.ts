import { NodeHelpers } from 'n8n-workflow';
import type { INodeType, INodeTypes, IVersionedNodeType } from 'n8n-workflow';

import { HubSpotAssociations } from '../../nodes/HubSpotAssociations/HubSpotAssociations.node';
import { AgentV3Caller, EmitItems, ManualTrigger, PassThrough, ToolCaller } from './testNodes';

export const HUBSPOT_NODE_TYPE = 'n8n-nodes-hubspot-associations.hubSpotAssociations';
export const PASS_THROUGH_NODE_TYPE = 'test.passThrough';
export const HUBSPOT_TOOL_NODE_TYPE = `${HUBSPOT_NODE_TYPE}Tool`;
export const TOOL_CALLER_NODE_TYPE = 'test.toolCaller';
export const AGENT_V3_CALLER_NODE_TYPE = 'test.agentV3Caller';
/**
 * n8n's MCP Server Trigger's type name, here given to the Tool Caller: n8n-core hands a tool the
 * execute data of the node that calls it, so the tool sees this type as its caller, as under the
 * real trigger (whose webhook calls the tool through the same getInputConnectionData).
 */
export const MCP_SERVER_TRIGGER_NODE_TYPE = '@n8n/n8n-nodes-langchain.mcpTrigger';

/**
 * The node's tool variant as n8n 2.40 makes it at run time (`NodeTypes.getByNameAndVersion` → `convertNodeToAiTool` in n8n's
 * tool-generation/ai-tools.ts): the same execute, named `…Tool`, no main input, one ai_tool output, and a Tool Description
 * parameter added unless the node brings its own.
 */
function asTool(node: INodeType): INodeType {
	const base = node.description;
	const own = base.properties.some((p) => p.name === 'toolDescription');
	const properties = own
		? base.properties
		: [
				...base.properties,
				{
					displayName: 'Description',
					name: 'toolDescription',
					type: 'string' as const,
					default: base.description,
				},
			];
	const description = {
		...base,
		name: `${base.name}Tool`,
		displayName: `${base.displayName} Tool`,
		inputs: [],
		outputs: ['ai_tool' as const],
		properties,
	};
	delete description.usableAsTool;
	return Object.create(node, { description: { value: description } }) as INodeType;
}

/** The node types a test workflow may use, by the names n8n would give them. */
export class TestNodeTypes implements INodeTypes {
	private readonly types: Record<string, INodeType | IVersionedNodeType> = {
		'n8n-nodes-base.manualTrigger': new ManualTrigger(),
		'test.emitItems': new EmitItems(),
		[PASS_THROUGH_NODE_TYPE]: new PassThrough(),
		[HUBSPOT_NODE_TYPE]: new HubSpotAssociations(),
		[HUBSPOT_TOOL_NODE_TYPE]: asTool(new HubSpotAssociations()),
		[TOOL_CALLER_NODE_TYPE]: new ToolCaller(),
		[AGENT_V3_CALLER_NODE_TYPE]: new AgentV3Caller(),
		[MCP_SERVER_TRIGGER_NODE_TYPE]: new ToolCaller(),
	};

	getByName(type: string): INodeType | IVersionedNodeType {
		const found = this.types[type];
		if (!found) throw new Error(`Unknown node type ${type}`);
		return found;
	}

	getByNameAndVersion(type: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	}

	getKnownTypes() {
		return {};
	}
}
