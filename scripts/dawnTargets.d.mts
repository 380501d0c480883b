// Types of dawnTargets.mjs, for the TypeScript tests that import it.
export declare const DAWN_BY_TARGET: Readonly<Record<string, string>>;
export declare const UNIVERSAL: "universal";
export declare const TARGETS: readonly string[];
export declare function targetOf(platform?: string, arch?: string): string | undefined;
export declare function dawnFolderOf(target: string): string | undefined;
export declare function stageDawn(root: string, distDir: string, target: string): { files: string[]; missing?: string };
