/**
 * The package's entry point for code that requires it: the node and credential classes as built in
 * dist/. n8n itself loads the files listed under "n8n" in package.json, not this one.
 */
'use strict';

const { HubSpotAssociations } = require('./dist/nodes/HubSpotAssociations/HubSpotAssociations.node.js');
const { HubSpotAssociationsOAuth2Api } = require('./dist/credentials/HubSpotAssociationsOAuth2Api.credentials.js');
const { HubSpotAssociationsAppTokenApi } = require('./dist/credentials/HubSpotAssociationsAppTokenApi.credentials.js');

module.exports = { HubSpotAssociations, HubSpotAssociationsOAuth2Api, HubSpotAssociationsAppTokenApi };
