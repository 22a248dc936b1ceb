/** The e2e tests in the real n8n application (npm run test:e2e); kept out of `npm test`. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
	testTimeout: 600000,
	maxWorkers: 1,
};
