// Types of package.mjs, for the TypeScript tests that import it.
export declare function packageName(target: string): string;
export declare function vsceArguments(target: string, out: string): string[];
export declare function packagedRoots(vscodeignore: string): string[];
export declare function stagePackageFolder(log?: (line: string) => void): Promise<string>;
export declare function packTarget(stage: string, target: string, outDir: string): Promise<{ path: string; bytes: number; dawn: string[] }>;
