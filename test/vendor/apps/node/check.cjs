// Node CommonJS: require() of every CJS entry, then a check through the mock.
const { createCpisClient, CpisError } = require('@cpis/sdk');
const { withStream } = require('@cpis/sdk/stream');
const { createCpisMockService, createMockFetch, personas, principals } = require('@cpis/mock');
const { syntheticPopulation } = require('@cpis/mock/fixtures');
const { normalizeNhsNumber } = require('@cpis/domain');

async function main() {
  const service = createCpisMockService();
  const client = withStream(
    createCpisClient({
      baseUrl: service.baseUrl,
      getToken: () => service.tokenFor(principals.edNurse),
      fetch: createMockFetch(service.handlers),
    }),
  );
  const result = await client.checks.create({
    nhsNumber: normalizeNhsNumber(personas.noRecord.nhsNumber),
    nhsNumberVerified: true,
    accessContext: 'unscheduled',
    reason: { code: 'unscheduled-attendance' },
  });
  const ok = typeof client.notifications.stream === 'function' && typeof CpisError === 'function';
  console.log(`cjs mock ${result.outcome} ${ok} ${typeof syntheticPopulation}`);
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
