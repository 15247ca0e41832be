// "Add User" and "Edit": one dialog for a Healthcare Professional or an
// Organization. Each field is checked as it is typed with validatePerson, the
// rules the import and the server apply, so the form never sends what the
// server would refuse for a reason it could have said earlier.
import { validatePerson } from "../pkg/hcp_kit.js";
import { $, attempt, displayName, isOrganization, notify, telecom } from "./ui.js";

const PERSON_FIELDS = ["firstName", "lastName", "email", "countryCode", "mobilePhone", "parentId"];

export function setupForm(ctx) {
  const dialog = $("hcp-dialog");
  const form = $("hcp-form");
  let editing = null; // the HCP being edited, or null for "Add User"
  const touched = new Set();

  const kind = () => form.elements.kind.value;
  const value = (name) => form.elements[name]?.value ?? "";

  function setKind(k) {
    form.elements.kind.value = k;
    form.querySelectorAll(".person-only").forEach((n) => (n.hidden = k !== "person"));
    form.querySelectorAll(".org-only").forEach((n) => (n.hidden = k !== "organization"));
    check();
  }

  /** Shows the reasons of touched fields; returns whether the form is valid. */
  function check() {
    for (const name of [...PERSON_FIELDS, "name"]) $(`e-${name}`).textContent = "";
    form.querySelectorAll("[aria-invalid]").forEach((n) => n.removeAttribute("aria-invalid"));
    const reasons = [];
    if (kind() === "organization") {
      if (!value("name").trim()) reasons.push({ field: "name", message: "An organization needs a name" });
      const email = value("email").trim();
      if (email) {
        const r = validatePerson({ firstName: "x", lastName: "x", email });
        if (!r.ok) reasons.push(...r.reasons);
      }
    } else {
      const values = Object.fromEntries(PERSON_FIELDS.map((f) => [f, value(f)]));
      const r = validatePerson(values);
      if (!r.ok) reasons.push(...r.reasons);
    }
    for (const r of reasons) {
      if (!touched.has(r.field)) continue;
      const target = $(`e-${r.field}`);
      if (target && !target.textContent) target.textContent = r.message;
      $(`f-${r.field}`)?.setAttribute("aria-invalid", "true");
    }
    return reasons;
  }

  async function fillOrganizations(selected) {
    const select = $("f-parentId");
    const orgs = await ctx.organizations();
    select.replaceChildren(
      new Option("— none —", ""),
      ...orgs.map((org) => new Option(`${displayName(org)} (${org.id})`, org.id)),
    );
    select.value = selected ?? "";
  }

  async function open(hcp) {
    editing = hcp;
    touched.clear();
    form.reset();
    $("hcp-form-error").textContent = "";
    $("hcp-dialog-title").textContent = hcp ? `Edit ${displayName(hcp)}` : "Add User";
    $("kind-field").disabled = Boolean(hcp);
    $("f-invite").closest("label").hidden = Boolean(hcp);
    // Without the list (an error is shown) the person can still be saved without a parent.
    await attempt(() => fillOrganizations(hcp?.parentId));
    if (hcp) {
      const org = isOrganization(hcp);
      form.elements.name.value = hcp.name ?? "";
      form.elements.firstName.value = hcp.firstName ?? "";
      form.elements.lastName.value = hcp.lastName ?? "";
      form.elements.email.value = telecom(hcp, "email");
      form.elements.mobilePhone.value = telecom(hcp, "mobile");
      setKind(org ? "organization" : "person");
    } else {
      setKind("person");
    }
    dialog.showModal();
    (kind() === "organization" ? $("f-name") : $("f-firstName")).focus();
  }

  /** The edited document: the HCP as read (rev included) with the form's values. */
  function edited(hcp) {
    const doc = structuredClone(hcp);
    // One telecom of each type, in the first address (where hcp-kit and the server read it).
    const setTelecom = (type, number) => {
      doc.addresses = doc.addresses?.length ? doc.addresses : [{ addressType: "work", telecoms: [] }];
      for (const a of doc.addresses) a.telecoms = (a.telecoms ?? []).filter((t) => t.telecomType !== type);
      if (number) doc.addresses[0].telecoms.push({ telecomType: type, telecomNumber: number });
    };
    if (isOrganization(hcp)) {
      doc.name = value("name").trim();
      setTelecom("email", value("email").trim());
      return doc;
    }
    const r = validatePerson(Object.fromEntries(PERSON_FIELDS.map((f) => [f, value(f)])));
    if (!r.ok) return null;
    doc.firstName = r.person.firstName;
    doc.lastName = r.person.lastName;
    setTelecom("email", r.person.email);
    setTelecom("mobile", r.person.phone ?? "");
    if (r.person.parentId) doc.parentId = r.person.parentId;
    else delete doc.parentId;
    return doc;
  }

  form.addEventListener("input", (e) => {
    if (e.target.name) touched.add(e.target.name);
    check();
  });
  form.addEventListener("change", (e) => {
    if (e.target.name === "kind") setKind(e.target.value);
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const n of [...PERSON_FIELDS, "name"]) touched.add(n);
    const reasons = check();
    if (reasons.length) {
      $("hcp-form-error").textContent = "Please correct the highlighted fields.";
      form.querySelector("[aria-invalid]")?.focus();
      return;
    }
    const save = $("hcp-save");
    save.disabled = true;
    await attempt(async () => {
      let saved;
      if (editing) {
        const doc = edited(editing);
        if (!doc) return;
        saved = await ctx.client.updateHcp(doc);
      } else if (kind() === "organization") {
        saved = await ctx.client.createHcp({ kind: "organization", name: value("name"), email: value("email") });
      } else {
        const person = { kind: "person", ...Object.fromEntries(PERSON_FIELDS.map((f) => [f, value(f)])) };
        saved = await ctx.client.createHcp(person, { invite: $("f-invite").checked });
      }
      dialog.close();
      notify(`${displayName(saved)} was ${editing ? "saved" : "created"}${!editing && $("f-invite").checked ? " and invited" : ""}.`);
      await ctx.list.refresh();
    });
    save.disabled = false;
  });

  $("add-user").addEventListener("click", () => open(null));
  ctx.form = { edit: open };
  return ctx.form;
}
