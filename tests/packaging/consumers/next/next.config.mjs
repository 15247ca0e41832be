// serverExternalPackages: server code (components, route handlers) loads
// hcp-kit from node_modules through Node, which reads the .wasm from disk;
// bundled, the .wasm path is rewritten. Client code needs nothing.
import { fileURLToPath } from "node:url";
const root = fileURLToPath(new URL(process.env.HCP_NEXT_ROOT ?? "../", import.meta.url));
export default {
  serverExternalPackages: ["hcp-kit"],
  // The harness's shared node_modules sits above the project.
  turbopack: { root },
  outputFileTracingRoot: root,
};
