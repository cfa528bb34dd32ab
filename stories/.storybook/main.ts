import type { StorybookConfig } from '@storybook/web-components-vite';
import { mergeConfig } from 'vite';
import { workspaceAliases } from '../../workspace-aliases.ts';

// Storybook reads the elements from source (the same alias map as tsc and Vitest), with
// each story's client answered in memory by @cpis/mock (see preview.ts): no service
// worker, no public folder, no network.
const config: StorybookConfig = {
  stories: ['../*.stories.ts', '../elements/*.stories.ts'],
  addons: ['@storybook/addon-a11y'],
  framework: { name: '@storybook/web-components-vite', options: {} },
  core: { disableTelemetry: true },
  viteFinal: (viteConfig) =>
    mergeConfig(viteConfig, {
      resolve: { alias: workspaceAliases },
      // The a11y addon and the mock service make big chunks; size matters for the kit's
      // bundles (size-limit), not for this design tool.
      build: { chunkSizeWarningLimit: 2_000 },
    }),
};

export default config;
