/** HubSpot CRM associations emulator: see docs/emulator.md. */
export { HubSpotEmulator } from './emulator';
export type { HubSpotEmulatorOptions, ObjectId, SeedType } from './emulator';
export type { Fault } from './faults';
export { FaultSwitchboard } from './faults';
export type {
	AssociationCategory,
	AssociationType,
	CustomObjectDefinition,
	LabelDefinition,
	ObjectTypeInfo,
} from './objectTypes';
export type { RateLimitSettings } from './rateLimit';
export type { EmulatorSettings } from './settings';
export { defaultSettings } from './settings';
export type { LogEntry } from './stats';
export { EmulatorStats } from './stats';
export type { OAuthConfig, TokenKind, TokenOptions } from './tokens';
export { TEST_AUTH_CODE } from './routesOAuth';
export { seedDemo } from './demo';
export {
	signatureV1,
	signatureV2,
	signatureV3,
	WebhookSide,
	type CrmChange,
	type DeliveryAttempt,
	type DeliveryReport,
	type WebhookApp,
	type WorkflowWebhookAuth,
} from './webhooks';
