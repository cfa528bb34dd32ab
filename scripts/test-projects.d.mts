export declare const projectIncludes: {
  node: string[];
  browser: string[];
  e2e: string[];
};
