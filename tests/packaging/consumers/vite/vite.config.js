// The only setting: the worker is an ES module (a standard Vite option, not a wasm one).
export default { worker: { format: "es" } };
