/**
 * `--seed demo`: a small CRM for the demo and the e2e. Ids are fixed so scripts can name them.
 *   contacts 101..104, companies 201..202, deals 301..302
 *   contacts→companies: 101→201 (Primary + "Decision maker"), 102→201, 103→202, 104→202 ("Decision maker")
 *   contacts→deals:     101→301, 102→301, 103→302
 *   deals→companies:    301→201, 302→202
 * "Decision maker" is a USER_DEFINED label, type 41 contacts→companies and 42 companies→contacts.
 */
import type { HubSpotEmulator } from './emulator';

export const DEMO_LABEL = {
	typeId: 41,
	inverseTypeId: 42,
	label: 'Decision maker',
	category: 'USER_DEFINED',
} as const;

export function seedDemo(emu: HubSpotEmulator): void {
	emu.addLabel('contacts', 'companies', DEMO_LABEL);
	const decisionMaker = { category: 'USER_DEFINED', typeId: DEMO_LABEL.typeId } as const;
	const primary = { category: 'HUBSPOT_DEFINED', typeId: 1 } as const;
	emu.seed('contacts', '101', 'companies', '201', [primary, decisionMaker]);
	emu.seed('contacts', '102', 'companies', '201');
	emu.seed('contacts', '103', 'companies', '202');
	emu.seed('contacts', '104', 'companies', '202', [decisionMaker]);
	emu.seed('contacts', '101', 'deals', '301');
	emu.seed('contacts', '102', 'deals', '301');
	emu.seed('contacts', '103', 'deals', '302');
	emu.seed('deals', '301', 'companies', '201');
	emu.seed('deals', '302', 'companies', '202');
}
