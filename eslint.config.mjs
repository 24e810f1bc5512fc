import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: [
      ".next*/**",
      "lib/generated/**",
      "prisma/generated/**",
      "data/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: "Read configuration through lib/env.ts.",
        },
      ],
    },
  },
  {
    files: [
      "lib/env.ts",
      "next.config.mjs",
      "instrumentation.ts",
      "scripts/**",
      "e2e/**",
      "playwright.config.ts",
      "vitest.config.mts",
      "**/*.test.ts",
      "lib/test/**",
    ],
    rules: { "no-restricted-syntax": "off" },
  },
];

export default config;
