// What the package's entries share (scripts/write-entries.mjs writes one entry
// per wasm module around wasm-bindgen's glue): the init guard and the errors
// thrown before a module runs. Plain JavaScript, so it works before any init.

/** Throws like the wasm side does: an `Error` named "HcpError" with a `code`. */
export function hcpError(code, message, cause) {
  const error = new Error(message, cause === undefined ? undefined : { cause });
  error.name = "HcpError";
  error.code = code;
  return error;
}

/** `true` when `value` is an error thrown by hcp-kit. */
export function isHcpError(value) {
  return value instanceof Error && value.name === "HcpError" && typeof value.code === "string";
}

/**
 * One per module: whether its init has run, and how to name that init in an
 * error (the import path a user wrote, and the name of its default export).
 */
export function moduleState(specifier, initName) {
  return { ready: false, specifier, initName };
}

function notInitialized(state, name) {
  return hcpError(
    "NotInitialized",
    `hcp-kit: ${name}() was called before "${state.specifier}" was initialised. ` +
      `Call its default export once first: import ${state.initName} from "${state.specifier}"; await ${state.initName}(); ` +
      `(in Node, initSync() from "${state.specifier}" also works). ` +
      `Each of "hcp-kit", "hcp-kit/import" and "hcp-kit/dataowner" has its own init.`,
  );
}

/**
 * A function of the glue that fails with `NotInitialized` until the module
 * runs: it throws, or rejects when it returns a promise (the package's
 * promise-returning calls never throw).
 */
export function guard(state, name, fn, returnsPromise = false) {
  return function (...args) {
    if (!state.ready) {
      const error = notInitialized(state, name);
      if (returnsPromise) return Promise.reject(error);
      throw error;
    }
    return fn.apply(this, args);
  };
}

/**
 * A class of the glue behind the same guard: `new`, and its static methods.
 * A Proxy keeps `instanceof` and the prototype of the glue's own class, which
 * is what the glue returns from every other call.
 */
export function guardClass(state, name, cls, asyncStatics = []) {
  const statics = new Map();
  return new Proxy(cls, {
    construct(target, args, newTarget) {
      if (!state.ready) throw notInitialized(state, `new ${name}`);
      return Reflect.construct(target, args, newTarget);
    },
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function" || key === "prototype" || typeof key !== "string") return value;
      let wrapped = statics.get(key);
      if (!wrapped) {
        wrapped = guard(state, `${name}.${key}`, (...args) => value.apply(target, args), asyncStatics.includes(key));
        statics.set(key, wrapped);
      }
      return wrapped;
    },
  });
}

/** The error of an init that could not load or compile the module's `.wasm`. */
export function initFailed(state, wasm, cause, hint) {
  const why = cause instanceof Error ? cause.message : String(cause);
  return hcpError(
    "InitFailed",
    `hcp-kit: "${state.specifier}" could not load ${wasm}: ${why}. ${hint}`,
    cause,
  );
}

/** Runs a glue init, marks the module ready, and names the fix when it fails. */
export async function runInit(state, wasm, glueInit, options, hint) {
  try {
    await glueInit(options);
  } catch (cause) {
    if (isHcpError(cause)) throw cause;
    throw initFailed(state, wasm, cause, hint);
  }
  state.ready = true;
}

/** The synchronous twin of {@link runInit}. */
export function runInitSync(state, wasm, glueInitSync, options, hint) {
  try {
    glueInitSync(options);
  } catch (cause) {
    if (isHcpError(cause)) throw cause;
    throw initFailed(state, wasm, cause, hint);
  }
  state.ready = true;
}
