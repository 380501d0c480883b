// ESLint configuration: typescript-eslint's recommended rules over every TypeScript source and test.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: [".scratch/**", "dist/**", "dist-bench/**", "dist-vsix/**", "node_modules/**", "test-output/**", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      eqeqeq: ["error", "always"],
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  {
    // TypeScript checks names itself, with the right lib for each side; ESLint's copy only misfires on types.
    files: ["**/*.ts"],
    rules: { "no-undef": "off" },
  },
  {
    files: ["**/*.mjs", "**/*.cjs", "bin/**/*.js"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
