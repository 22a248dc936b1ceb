import { NodeHelpers } from 'n8n-workflow';
import type { INodeType, INodeTypes, IVersionedNodeType } from 'n8n-workflow';

import { HubSpotAssociations } from '../../nodes/HubSpotAssociations/HubSpotAssociations.node';
import { EmitItems, ManualTrigger, PassThrough } from './testNodes';

export const HUBSPOT_NODE_TYPE = 'n8n-nodes-hubspot-associations.hubSpotAssociations';
export const PASS_THROUGH_NODE_TYPE = 'test.passThrough';

/** The node types a test workflow may use, by the names n8n would give them. */
export class TestNodeTypes implements INodeTypes {
	private readonly types: Record<string, INodeType | IVersionedNodeType> = {
		'n8n-nodes-base.manualTrigger': new ManualTrigger(),
		'test.emitItems': new EmitItems(),
		[PASS_THROUGH_NODE_TYPE]: new PassThrough(),
		[HUBSPOT_NODE_TYPE]: new HubSpotAssociations(),
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
