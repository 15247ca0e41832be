// Rollup leaves new URL(…, import.meta.url) alone: the worker is a second
// input, and the .wasm files are copied next to the chunks (the documented step).
import { nodeResolve } from "@rollup/plugin-node-resolve";
export default {
  input: { main: "src/main.js", "hcp.worker": "src/hcp.worker.js" },
  output: { dir: "dist", format: "es" },
  plugins: [nodeResolve({ browser: true })],
};
