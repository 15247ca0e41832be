// Builds the accepted rows of an import report from columns: the layout is
// `hcp_core::import::AcceptedColumns`, and its stride and flags come from
// there as arguments so that the layout is written once.
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
