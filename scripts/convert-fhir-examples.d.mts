export declare const SOURCES: string[];
export declare function targetOf(source: string): string;
export declare function convertAll(): { source: string; target: string; text: string }[];
