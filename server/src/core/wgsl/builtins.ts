// The built-in catalogue lives in builtinCatalogue.ts, its cost rules in builtinCosts.ts, its hover text in builtinDocs.ts.
// This re-export goes when model/interpret.ts (and the lowering's import) are switched to ./builtinCosts.
export { estimateBuiltinCost } from "./builtinCosts";
