import { ApiError, commandIdOf, labelOf, toApiError } from "./api/client";
import { answerGraph, linked, loadSaved, mergeNodes, saveQuery } from "./graph";
import { conflictsOf, diffLines, resolutions } from "./history";
import { facetable, filtersFrom, searchFilter, searching, withFilter } from "./explore";
import { datasetName, withClassId, withKey, withoutLink, withType } from "./onboarding";
import type { Mapping } from "./onboarding";
import { initialLanguage } from "./i18n";
import { en, ko } from "./locales";
import { classGraph, draftBody, draftFrom, emptyDraft, migrationBody, parameterValue } from "./ontology";
import { applyUpdate, MAX_TRACKED } from "./state/commands";
import type { TrackedCommand } from "./state/commands";
import { formatValue, parseValue, referenceOf } from "./values";

describe("the language the console starts in", () => {
  it("is Korean when the browser asks for Korean first", () => {
    expect(initialLanguage(null, ["ko-KR", "en-US"])).toBe("ko");
  });
  it("is the first of ours the browser asks for", () => {
    expect(initialLanguage(null, ["fr-FR", "en-GB", "ko"])).toBe("en");
    expect(initialLanguage(null, ["fr-FR"])).toBe("en");
  });
  it("is the one chosen before, whatever the browser asks", () => {
    expect(initialLanguage("en", ["ko-KR"])).toBe("en");
    expect(initialLanguage("xx", ["ko-KR"])).toBe("ko");
  });
});

function leaves(tree: object, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === "string" ? [`${prefix}${k}`] : leaves(v as object, `${prefix}${k}.`),
  );
}

describe("the console's text", () => {
  it("has every key in both languages, none empty, with the same placeholders", () => {
    expect(leaves(ko).sort()).toEqual(leaves(en).sort());
    const at = (tree: object, path: string) =>
      path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], tree) as string;
    for (const key of leaves(en)) {
      expect(at(ko, key).trim(), key).not.toBe("");
      const names = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
      expect(names(at(ko, key)), key).toEqual(names(at(en, key)));
    }
  });
});

describe("API errors", () => {
  it("carry the refused fields of a 422 by path, the first reason of each", () => {
    const error = toApiError(422, {
      status: "error",
      code: "VALIDATION_FAILED",
      message: "invalid Customer instance",
      details: {
        errors: [
          { path: "age", code: "min", message: "must be at least 0" },
          { path: "age", code: "x", message: "second" },
          { path: "name", code: "required", message: "is required" },
        ],
      },
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(422);
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.fieldErrors).toEqual({ age: "must be at least 0", name: "is required" });
  });
  it("are made even from an answer that is not the API's shape", () => {
    const error = toApiError(502, "<html>bad gateway</html>");
    expect(error.code).toBe("HTTP_502");
    expect(error.fieldErrors).toEqual({});
  });
  it("find the command id wherever the seed's shapes put it", () => {
    expect(commandIdOf({ command_id: "a", data: { command_id: "b" } })).toBe("b");
    expect(commandIdOf({ command_id: "a" })).toBe("a");
    expect(commandIdOf({})).toBeUndefined();
  });
});

describe("labels", () => {
  it("are read in the language asked for, then English, then any", () => {
    expect(labelOf({ en: "Customer", ko: "고객" }, "ko", "C")).toBe("고객");
    expect(labelOf({ en: "Customer" }, "ko", "C")).toBe("Customer");
    expect(labelOf({ ja: "顧客" }, "ko", "C")).toBe("顧客");
    expect(labelOf("Plain", "ko", "C")).toBe("Plain");
    expect(labelOf(null, "ko", "C")).toBe("C");
  });
});

describe("the class graph", () => {
  const classes = [
    { id: "Customer", label: { en: "Customer", ko: "고객" }, relationships: [], parent_class: null },
    { id: "VIP", label: "VIP", relationships: [], parent_class: "Customer" },
    {
      id: "Product",
      label: "Product",
      relationships: [
        { predicate: "owned_by", target: "Customer" },
        { predicate: "gone", target: "Missing" },
      ],
      parent_class: null,
    },
  ] as never[];
  it("has classes as nodes, relationships as edges and inheritance as dashed edges", () => {
    const elements = classGraph(classes, "ko");
    const nodes = elements.filter((e) => !("source" in e.data));
    const edges = elements.filter((e) => "source" in e.data);
    expect(nodes.map((n): unknown => n.data.label)).toEqual(["고객", "VIP", "Product"]);
    expect(edges.map((e): unknown[] => [e.data.source, e.data.target, e.data.label, e.classes ?? ""])).toEqual([
      ["VIP", "Customer", "", "inherits"],
      ["Product", "Customer", "owned_by", ""],
    ]);
  });
});

describe("a class draft", () => {
  it("becomes the body the API takes, without empty rows", () => {
    const draft = emptyDraft();
    draft.id = " Customer ";
    draft.labelEn = "Customer";
    draft.labelKo = "고객";
    draft.properties = [
      { name: "customer_id", type: "string", required: true, unique: true },
      { name: "", type: "string", required: false, unique: false },
    ];
    draft.relationships = [
      { predicate: "", target: "", cardinality: "n:1" },
      { predicate: "owns", target: "Product", cardinality: "1:n" },
    ];
    expect(draftBody(draft)).toEqual({
      id: "Customer",
      label: { en: "Customer", ko: "고객" },
      properties: [{ name: "customer_id", type: "string", required: true, unique: true }],
      relationships: [{ predicate: "owns", target: "Product", cardinality: "1:n" }],
    });
  });
});

describe("form values", () => {
  it("are parsed by the property's type, and what cannot be is sent as typed for the server to refuse", () => {
    expect(parseValue("integer", "42")).toBe(42);
    expect(parseValue("integer", "many")).toBe("many");
    expect(parseValue("boolean", "true")).toBe(true);
    expect(parseValue("money", '{"amount": "1.50", "currency": "KRW"}')).toEqual({ amount: "1.50", currency: "KRW" });
    expect(parseValue("json", "{oops")).toBe("{oops");
    expect(parseValue("decimal", "12.50")).toBe("12.50");
    expect(parseValue("string", "  spaced  ")).toBe("  spaced  ");
    expect(parseValue("string", "   ")).toBeUndefined();
  });
  it("are shown as text, structured ones as JSON", () => {
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
    expect(formatValue(null)).toBe("");
    expect(formatValue(3)).toBe("3");
  });
  it("that are references name a class and an id", () => {
    expect(referenceOf("Customer/cust_001")).toEqual({ cls: "Customer", id: "cust_001" });
    expect(referenceOf("no-slash")).toBeNull();
    expect(referenceOf("Customer/")).toBeNull();
    expect(referenceOf(7)).toBeNull();
  });
});

describe("the command tracker", () => {
  const update = (id: string, status: string) => ({
    type: "command_update" as const,
    command_id: id,
    data: { status, progress: 50, command_type: "CREATE_INSTANCE" },
  });
  it("moves an updated command to the top, keeping the label it was given", () => {
    let list: TrackedCommand[] = [
      { id: "a", label: "create Customer", status: "PENDING", progress: 0, updatedAt: "" },
      { id: "b", label: "create Product", status: "PENDING", progress: 0, updatedAt: "" },
    ];
    list = applyUpdate(list, update("b", "COMPLETED"));
    expect(list.map((c) => [c.id, c.label, c.status])).toEqual([
      ["b", "create Product", "COMPLETED"],
      ["a", "create Customer", "PENDING"],
    ]);
  });
  it("adds commands it did not send, and keeps at most MAX_TRACKED", () => {
    let list: TrackedCommand[] = [];
    for (let i = 0; i < MAX_TRACKED + 5; i++) list = applyUpdate(list, update(`c${i}`, "PENDING"));
    expect(list).toHaveLength(MAX_TRACKED);
    expect(list[0]?.id).toBe(`c${MAX_TRACKED + 4}`);
    expect(list[0]?.label).toBe("CREATE_INSTANCE");
  });
});

describe("graph answers and saved queries", () => {
  it("draw nodes coloured by data status and only edges between shown nodes", () => {
    const elements = answerGraph(
      [
        { id: "Product/p1", type: "Product", data_status: "FULL" },
        { id: "Customer/c1", type: "Customer", data_status: "MISSING" },
      ],
      [
        { from_node: "Product/p1", to_node: "Customer/c1", predicate: "owned_by" },
        { from_node: "Product/p1", to_node: "Customer/zz", predicate: "owned_by" },
      ],
    );
    expect(elements.map((e): unknown => e.data.color ?? e.data.label)).toEqual(["#32a467", "#abb3bf", "owned_by"]);
  });
  it("are kept per database, the same name replaced", () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    };
    saveQuery("shop", { name: "q", start_class: "A", hops: [], filters: {} }, storage);
    saveQuery("shop", { name: "q", start_class: "B", hops: [], filters: {} }, storage);
    saveQuery("other", { name: "r", start_class: "C", hops: [], filters: {} }, storage);
    expect(loadSaved("shop", storage).map((q) => q.start_class)).toEqual(["B"]);
    expect(loadSaved("none", storage)).toEqual([]);
    store.set("spice.savedQueries", "not json");
    expect(loadSaved("shop", storage)).toEqual([]);
  });
});

describe("the history page's data", () => {
  it("lays a diff out side by side, property by property", () => {
    const lines = diffLines([
      {
        class_id: "Item",
        instance_id: "A-1",
        change: "changed",
        properties: [{ property: "price", old: 120, new: 150 }],
        old_sequence: 1,
        new_sequence: 2,
      },
      { class_id: "Item", instance_id: "C-3", change: "added", values: { sku: "C-3" }, new_sequence: 1 },
      { class_id: "Item", instance_id: "D-4", change: "removed", values: { sku: "D-4" }, old_sequence: 3 },
    ]);
    expect(lines.map((l) => [l.key, l.left, l.right])).toEqual([
      ["Item/A-1.price", 120, 150],
      ["Item/C-3.sku", undefined, "C-3"],
      ["Item/D-4.sku", "D-4", undefined],
    ]);
  });
  it("reads a refused merge's conflicts and sends resolutions only when each has a side", () => {
    const conflicts = conflictsOf({
      conflicts: [{ key: "Item/A-1.price", kind: "property", base: 100, ours: 120, theirs: 150 }, { nokey: 1 }],
    });
    expect(conflicts.map((c) => c.key)).toEqual(["Item/A-1.price"]);
    expect(conflictsOf({ other: true })).toEqual([]);
    expect(resolutions(conflicts, {})).toBeNull();
    expect(resolutions(conflicts, { "Item/A-1.price": "theirs", "Other/x": "ours" })).toEqual({
      "Item/A-1.price": "theirs",
    });
  });
});

describe("the onboarding wizard's model", () => {
  const mapping = (): Mapping => ({
    classes: [
      {
        id: "Orders",
        properties: [
          { name: "order_id", type: "string", required: true, primary_key: true },
          { name: "service_level", type: "enum", values: ["A", "B"] },
          { name: "amount", type: "string" },
        ],
        relationships: [{ predicate: "client", target: "Clients", cardinality: "n:1" }],
      },
    ],
    sources: [
      {
        dataset: "orders",
        class_id: "Orders",
        key: ["order_id"],
        properties: [
          { property: "order_id", column: "order_id", transforms: [{ op: "trim" }] },
          { property: "service_level", column: "service_level", transforms: [{ op: "trim" }] },
          { property: "amount", column: "amount", transforms: [{ op: "trim" }] },
        ],
        links: [{ predicate: "client", column: "client_id", target: "Clients" }],
      },
    ],
  });
  it("names datasets after their files", () => {
    expect(datasetName("order_items.csv")).toBe("order_items");
    expect(datasetName("2024 매출 (final).xlsx")).toBe("d_2024_매출_final");
    expect(datasetName("재고.csv")).toBe("재고");
    expect(datasetName("\u1109\u1161\u11bc\u1111\u116e\u11b7.csv")).toBe("상품"); // NFD, as macOS names files
    expect(datasetName("Commandes été.csv")).toBe("commandes_été");
    expect(datasetName("Stock-List.JSON")).toBe("stock_list");
  });
  it("changes a type in the class and in how its column is read, dropping the old type's parameters", () => {
    const money = withType(mapping(), "Orders", "amount", "money");
    expect(money.sources[0]?.properties[2]?.transforms).toEqual([{ op: "trim" }, { op: "parse", as: "money" }]);
    const text = withType(mapping(), "Orders", "service_level", "string");
    expect(text.classes[0]?.properties[1]).toEqual({ name: "service_level", type: "string" });
    expect(withType(money, "Orders", "amount", "string").sources[0]?.properties[2]?.transforms).toEqual([
      { op: "trim" },
    ]);
    expect(withType(mapping(), "Orders", "nope", "string")).toEqual(mapping());
  });
  it("sets the key on the class and its source", () => {
    const keyed = withKey(mapping(), "Orders", ["order_id", "amount"]);
    expect(keyed.sources[0]?.key).toEqual(["order_id", "amount"]);
    expect(keyed.classes[0]?.properties.filter((p) => p.primary_key).map((p) => p.name)).toEqual([
      "order_id",
      "amount",
    ]);
    expect(withKey(keyed, "Orders", []).classes[0]?.properties.some((p) => p.primary_key)).toBe(false);
  });
  it("renames a class wherever it is named, and refuses a name already taken", () => {
    const two: Mapping = {
      classes: [
        { id: "Wh", properties: [] },
        { id: "Orders", properties: [], relationships: [{ predicate: "from", target: "Wh" }] },
      ],
      sources: [
        { dataset: "wh", class_id: "Wh", key: [], properties: [], links: [] },
        {
          dataset: "orders",
          class_id: "Orders",
          key: [],
          properties: [],
          links: [{ predicate: "from", column: "wh", target: "Wh" }],
        },
      ],
    };
    const renamed = withClassId(two, "Wh", "Warehouse");
    expect(renamed.classes.map((c) => c.id)).toEqual(["Warehouse", "Orders"]);
    expect(renamed.classes[1]?.relationships?.[0]?.target).toBe("Warehouse");
    expect(renamed.sources.map((s) => s.class_id)).toEqual(["Warehouse", "Orders"]);
    expect(renamed.sources[1]?.links[0]?.target).toBe("Warehouse");
    expect(withClassId(two, "Wh", "Orders")).toBe(two);
    expect(withClassId(two, "Wh", "  ")).toBe(two);
  });
  it("drops a link from both the relationships and the source", () => {
    const unlinked = withoutLink(mapping(), "Orders", "client");
    expect(unlinked.classes[0]?.relationships).toEqual([]);
    expect(unlinked.sources[0]?.links).toEqual([]);
    expect(mapping().sources[0]?.links).toHaveLength(1); // the original is not changed
  });
});

describe("the instance table's exploration", () => {
  it("keeps facet choices in the URL, typed, and toggles them", () => {
    let params = new URLSearchParams("q=서울");
    params = withFilter(params, "status", "shipped", true);
    params = withFilter(params, "amount", 100, true);
    params = withFilter(params, "status", "placed", true);
    expect(filtersFrom(params)).toEqual({ status: ["shipped", "placed"], amount: [100] });
    params = withFilter(params, "status", "shipped", false);
    expect(filtersFrom(params)).toEqual({ amount: [100], status: ["placed"] });
    expect(params.get("q")).toBe("서울");
    expect(filtersFrom(new URLSearchParams("f=broken&f=x={not json"))).toEqual({});
  });
  it("makes the search API's filter: any of a property's values, all properties", () => {
    expect(searchFilter({})).toBeUndefined();
    expect(searchFilter({ status: ["shipped"] })).toEqual({ term: { status: "shipped" } });
    expect(searchFilter({ status: ["a", "b"], paid: [true] })).toEqual({
      and: [{ in: { status: ["a", "b"] } }, { term: { paid: true } }],
    });
  });
  it("searches only for text, a sort or filters, and facets short values first", () => {
    expect(searching(new URLSearchParams(""))).toBe(false);
    expect(searching(new URLSearchParams("sort=amount"))).toBe(true);
    expect(searching(new URLSearchParams("f=a=1"))).toBe(true);
    const columns = [
      { name: "note", type: "text" },
      { name: "order_id", type: "string", distinct: true },
      { name: "city", type: "string" },
      { name: "status", type: "enum" },
      { name: "owner", type: "reference", relationship: "Customer" },
      { name: "paid", type: "boolean" },
    ];
    expect(facetable(columns)).toEqual(["status", "paid", "city", "owner"]);
  });
});

describe("editing a class", () => {
  const existing = {
    id: "Item",
    label: { en: "Item", ko: "품목" },
    parent_class: null,
    properties: [
      { name: "sku", type: "string", required: true, unique: false, primary_key: true, constraints: {} },
      {
        name: "size",
        type: "enum",
        required: false,
        unique: false,
        primary_key: false,
        constraints: { values: ["S", "M", "L"] },
      },
      { name: "price", type: "integer", required: false, unique: false, primary_key: false, constraints: { min: 0 } },
    ],
    relationships: [{ predicate: "maker", target: "Company", cardinality: "n:1" }],
  } as never;
  it("starts from the class as it is, constraints as typed text", () => {
    const draft = draftFrom(existing);
    expect(draft.labelKo).toBe("품목");
    expect(draft.properties.map((p) => [p.name, p.key, p.constraints])).toEqual([
      ["sku", true, {}],
      ["size", false, { values: "S, M, L" }],
      ["price", false, { min: "0" }],
    ]);
    expect(draftBody(draft)["properties"]).toEqual([
      { name: "sku", type: "string", required: true, unique: false, primary_key: true },
      { name: "size", type: "enum", required: false, unique: false, constraints: { values: ["S", "M", "L"] } },
      { name: "price", type: "integer", required: false, unique: false, constraints: { min: 0 } },
    ]);
  });
  it("reads parameters as lists, JSON or text", () => {
    expect(parameterValue("values", "a, b ,c")).toEqual(["a", "b", "c"]);
    expect(parameterValue("values", '["x,y"]')).toEqual(["x,y"]);
    expect(parameterValue("max", "10")).toBe(10);
    expect(parameterValue("pattern", "^[A-Z]+$")).toBe("^[A-Z]+$");
    expect(parameterValue("currency", "KRW")).toBe("KRW");
  });
  it("sends a migration only with what was filled in", () => {
    expect(migrationBody({ rename: {}, defaults: {}, drop: [] })).toBeUndefined();
    expect(
      migrationBody({ rename: { size: "length", old: "" }, defaults: { weight: "0", note: " " }, drop: ["legacy"] }),
    ).toEqual({
      rename: { size: "length" },
      defaults: { weight: 0 },
      drop: ["legacy"],
    });
  });
});

describe("expanding a node's links", () => {
  it("adds the instances reached and the edges, each once, both ways", () => {
    const links = {
      outgoing: [{ predicate: "owned_by", target: "Customer/c1" }],
      incoming: [{ predicate: "^part_of", via: "part_of", source: "Parcel/x9" }],
    };
    const once = linked({ nodes: [], edges: [] }, "Product/p1", links);
    const twice = linked(once, "Product/p1", links);
    expect(twice.nodes.map((n) => [n.id, n.data_status])).toEqual([
      ["Customer/c1", "LINKED"],
      ["Parcel/x9", "LINKED"],
    ]);
    expect(twice.edges).toEqual([
      { from_node: "Product/p1", to_node: "Customer/c1", predicate: "owned_by" },
      { from_node: "Parcel/x9", to_node: "Product/p1", predicate: "part_of" },
    ]);
    const answered = [{ id: "Customer/c1", type: "Customer", data_status: "FULL" }];
    expect(mergeNodes(answered, twice.nodes).map((n) => [n.id, n.data_status])).toEqual([
      ["Customer/c1", "FULL"],
      ["Parcel/x9", "LINKED"],
    ]);
  });
});
