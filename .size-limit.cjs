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
  // @cpis/elements: the library build, with lit, @lit/*, the SDK and the domain bundled in
  // by size-limit's esbuild (nothing ignored), as an app would ship them.
  {
    name: 'banner + dialog + SDK + lit',
    path: 'packages/elements/dist/index.js',
    import: '{ CpisFlagBanner, CpisAccessReasonDialog }',
    limit: '16 KiB',
    gzip: true,
    ignore: [],
  },
  {
    name: 'all elements + SDK + stream + lit',
    path: 'packages/elements/dist/index.js',
    limit: '22 KiB',
    gzip: true,
    ignore: [],
  },
  // Reported, not gated: what a page that embeds the elements really ships, since it also
  // needs createCpisClient (the element entries above import only the SDK's errors and
  // stream, never the client factory). See packages/elements/README.md.
  {
    name: 'banner + dialog + createCpisClient + lit (report only)',
    path: ['packages/elements/dist/index.js', 'packages/sdk/dist/index.js'],
    import: {
      'packages/elements/dist/index.js': '{ CpisFlagBanner, CpisAccessReasonDialog }',
      'packages/sdk/dist/index.js': '{ createCpisClient }',
    },
    gzip: true,
    ignore: [],
  },
  {
    name: 'all elements + createCpisClient + stream + lit (report only)',
    path: ['packages/elements/dist/index.js', 'packages/sdk/dist/index.js'],
    import: {
      'packages/elements/dist/index.js': '*',
      'packages/sdk/dist/index.js': '{ createCpisClient }',
    },
    gzip: true,
    ignore: [],
  },
];
