// Server code (server components, route handlers) must load hcp-kit through
// Node, which reads the .wasm from disk: bundled for the server, the .wasm's
// path is rewritten (Turbopack: server components; webpack: both) and init()
// throws an HcpError "InitFailed" that names this setting. Client code needs nothing.
import { fileURLToPath } from "node:url";
const root = fileURLToPath(new URL(process.env.HCP_NEXT_ROOT ?? "../", import.meta.url));
export default {
  serverExternalPackages: ["hcp-kit"],
  // The harness's shared node_modules sits above the project.
  turbopack: { root },
  outputFileTracingRoot: root,
};
