// The accepted rows of an import report, built from columns. The layout is
// `hcp_core::import::AcceptedColumns`; its stride and flags come as arguments
// so that the layout is written once. Two users: the import module
// (`parseImport` builds its rows here, as a wasm-bindgen snippet) and a page
// that got a packed report from hcp-kit/worker (`reportOf`). No imports, no
// WebAssembly: a page can load it without the import module.

export function appendAcceptedRows(list, text, table, stride, hasPhone, hasParent) {
  let at = 0;
  for (let i = 0; i + stride <= table.length; i += stride) {
    const flags = table[i + 6];
    const firstName = text.slice(at, (at = table[i + 1]));
    const lastName = text.slice(at, (at = table[i + 2]));
    const email = text.slice(at, (at = table[i + 3]));
    const phone = flags & hasPhone ? text.slice(at, table[i + 4]) : null;
    at = table[i + 4];
    const parentId = flags & hasParent ? text.slice(at, table[i + 5]) : null;
    at = table[i + 5];
    // One literal, one shape: V8 keeps the loop monomorphic.
    list.push({ row: table[i], firstName, lastName, email, phone, parentId });
  }
}

/**
 * The `ImportReport` of a packed one: what `parseImportPacked` returns and
 * hcp-kit/worker posts for a parse with `packed: true`. The packed report is
 * left as it was.
 */
export function reportOf(packed) {
  const accepted = [];
  for (const { text, table } of packed.pieces) {
    appendAcceptedRows(accepted, text, table, packed.stride, packed.hasPhone, packed.hasParent);
  }
  return { ...packed.report, accepted };
}
