// Size budgets (docs/quality.md): min+gzip, browser, ESM, as size-limit 12 bundles them with
// esbuild (dependencies included). CommonJS because the root package is ESM. Run after
// `npm run build`.
// The elements engineer appends the element bundles (banner + dialog + SDK + lit; all four
// elements + SDK + stream + lit) below.
module.exports = [
  {
    name: 'SDK core (@cpis/sdk, no stream), browser',
    path: 'packages/sdk/dist/index.js',
    import: '{ createCpisClient, isValidNhsNumber, formatNhsNumber }',
    limit: '6 KiB',
    gzip: true,
  },
  {
    name: 'SDK stream',
    path: 'packages/sdk/dist/stream.js',
    import: '{ streamNotifications }',
    limit: '4 KiB',
    gzip: true,
  },
];
