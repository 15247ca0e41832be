// The package's declarations of what crosses the boundary, checked against
// the Rust types: `cargo test -p hcp-core` writes hcp-core's wire types as
// TypeScript with ts-rs (target/ts-bindings/), and this compiles a file
// that requires each published type and its Rust twin to be assignable both
// ways with the same keys. A field added, dropped, renamed or retyped on
// either side, or a code added to one union only, fails `tsc`.
// (Fields Rust skips when `None` are optional on both sides; ts-rs writes
// them `T | null` because Rust also reads a null, so the null is dropped.)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const dir = `${root}target/ts-check/`;
const bindings = `${root}target/ts-bindings/`;
// Always rewritten, so a stale file cannot hide a change.
rmSync(bindings, { recursive: true, force: true });
execFileSync("cargo", ["test", "-q", "-p", "hcp-core", "--lib", "export_bindings"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
if (!existsSync(`${bindings}ImportReport.ts`)) throw new Error(`ts-rs wrote nothing to ${bindings}`);

// [published type, its Rust twin (a file of target/ts-bindings/)]
const PAIRS = [
  ["Import.ImportReport", "ImportReport"],
  ["Import.ImportFormat", "Format"],
  ["Import.ImportColumn", "ColumnInfo"],
  ["Import.ImportWarning", "Warning"],
  ['Import.ImportWarning["code"]', "WarningCode"],
  ["Import.ImportStats", "Stats"],
  ["Import.ImportProgress", "Progress"],
  ["Import.AcceptedRow", "AcceptedRow"],
  ["Import.RejectedRow", "RejectedRow"],
  ["Import.RejectionReason", "Violation"],
  ["Import.HcpField", "Field"],
  ["Import.RejectionCode", "Reason"],
  ["Import.PersonValues", "PersonInput"],
  ['Omit<Import.AcceptedRow, "row">', "Person"],
  ["Kit.Telecom", "Telecom"],
  ["Kit.Address", "Address"],
  ["Kit.KeyCertificate", "KeyCertificate"],
  // A document the server answered always has its id and rev; Rust's model
  // also serves creation, where both are absent.
  ['Partial<Pick<Kit.Hcp, "id" | "rev">> & Omit<Kit.Hcp, "id" | "rev">', "Hcp"],
];

const source = [
  `import type * as Import from "../../pkg/hcp_kit_import.js";`,
  `import type * as Kit from "../../pkg/hcp_kit.js";`,
  ...PAIRS.map(([, rust]) => `import type { ${rust} as Rust${rust} } from "../ts-bindings/${rust}.js";`),
  ``,
  // Optional named fields (an index signature, as in a map, stays as it is).
  `type OptionalKeys<T> = { [K in keyof T]-?: string extends K ? never : {} extends Pick<T, K> ? K : never }[keyof T];`,
  `type Wire<T> = T extends readonly (infer U)[]`,
  `  ? Wire<U>[]`,
  `  : T extends object`,
  `    ? { [K in Exclude<keyof T, OptionalKeys<T>>]: Wire<T[K]> } & { [K in OptionalKeys<T>]?: Wire<Exclude<T[K], null>> }`,
  `    : T;`,
  `type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? ([keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false) : false) : false;`,
  ``,
  ...PAIRS.map(([ts, rust], i) => `export const pair${i}: Same<${ts}, Wire<Rust${rust}>> = true;`),
  ``,
].join("\n");

mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}check.ts`, source);
writeFileSync(
  `${dir}tsconfig.json`,
  JSON.stringify({
    compilerOptions: {
      target: "es2022",
      module: "esnext",
      moduleResolution: "bundler",
      lib: ["es2022", "dom"],
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      exactOptionalPropertyTypes: true,
    },
    files: ["check.ts"],
  }),
);
try {
  execFileSync(`${root}node_modules/.bin/tsc`, ["-p", `${dir}tsconfig.json`], { encoding: "utf8", stdio: "pipe" });
} catch (e) {
  console.error(`${e.stdout}${e.stderr}`);
  console.error(`The declarations and the Rust types disagree (see ${dir}check.ts; pairs in scripts/check-types.mjs).`);
  process.exit(1);
}
console.log(`${PAIRS.length} published types agree with their Rust twins`);
