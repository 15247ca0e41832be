// The few global types hcp-kit's declarations name that not every TypeScript
// setup has: a Node-only project (lib es2022 + @types/node) has no
// `WebAssembly`, and a browser project without an esnext lib has no
// `Symbol.dispose` (the classes' `[Symbol.dispose]()`, for `using`). Both are
// declared the way @types/node declares `Symbol.dispose`, so they merge with
// the standard libraries' own declarations where those are present.
interface SymbolConstructor {
  readonly dispose: unique symbol;
}

declare namespace WebAssembly {
  interface Module {}
}
