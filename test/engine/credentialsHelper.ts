import { Credentials } from 'n8n-core';
import { ICredentialsHelper } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeProperties,
	IRequestOptionsSimplified,
} from 'n8n-workflow';

import { HubSpotAssociationsAppTokenApi } from '../../credentials/HubSpotAssociationsAppTokenApi.credentials';
import { HubSpotAssociationsOAuth2Api } from '../../credentials/HubSpotAssociationsOAuth2Api.credentials';

const TYPES: Record<string, ICredentialType> = {
	hubSpotAssociationsOAuth2Api: new HubSpotAssociationsOAuth2Api(),
	hubSpotAssociationsAppTokenApi: new HubSpotAssociationsAppTokenApi(),
};

/** Replaces `{{$credentials.x}}` in a generic-auth template, as n8n's credentials helper does. */
function resolveTemplate(template: string, credentials: ICredentialDataDecryptedObject): string {
	const body = template.startsWith('=') ? template.slice(1) : template;
	return body.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_m, key: string) =>
		String(credentials[key] ?? ''),
	);
}

/**
 * The credentials store of a test run. It plays the part of n8n's own helper: decrypted data per
 * type, OAuth2 parentage (so n8n-core signs and refreshes tokens itself), generic header auth, and
 * token updates written back after a refresh, as n8n persists them.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	readonly updates: Array<{ type: string; data: ICredentialDataDecryptedObject }> = [];

	/** How often each credential type was read (decrypted): n8n queries its database and decrypts each time. */
	readonly reads: Record<string, number> = {};

	constructor(private readonly store: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes(name: string): string[] {
		const type = TYPES[name];
		return type?.extends ?? [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return TYPES[type]?.properties ?? [];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
	): Promise<IHttpRequestOptions> {
		const options = requestOptions as IHttpRequestOptions;
		const auth = TYPES[typeName]?.authenticate;
		if (typeof auth === 'function') return await auth(credentials, options);
		if (auth && auth.type === 'generic') {
			const headers = { ...(options.headers ?? {}) } as Record<string, string>;
			for (const [key, value] of Object.entries(auth.properties.headers ?? {})) {
				headers[key] = resolveTemplate(String(value), credentials);
			}
			return { ...options, headers };
		}
		return options;
	}

	async preAuthentication(
		_helpers: IHttpRequestHelper,
		_credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		_node: INode,
		_expired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<Credentials> {
		return new Credentials({ id: nodeCredentials.id, name: nodeCredentials.name }, type, '');
	}

	async getDecrypted(
		_additionalData: unknown,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		this.reads[type] = (this.reads[type] ?? 0) + 1;
		// A copy, as n8n decrypts afresh each time: the node must not be able to change the store.
		return structuredClone(this.store[type] ?? {});
	}

	async updateCredentials(
		_n: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store[type] = structuredClone(data);
		this.updates.push({ type, data: structuredClone(data) });
	}

	async updateCredentialsOauthTokenData(
		_n: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store[type] = {
			...this.store[type],
			oauthTokenData: structuredClone(data.oauthTokenData),
		};
		this.updates.push({ type, data: structuredClone(data) });
	}
}
