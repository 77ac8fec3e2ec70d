#!/usr/bin/env python3
"""Evaluates FHIRPath expressions with fhirpathpy (STU3 model) for FHIRPathDifferentialTests.

Reads one JSON job on stdin:
  {"resources": [FHIR JSON of each message],
   "expressions": [FHIRPath text],
   "evaluations": [{"r": resource index, "e": expression index,
                    "at": path of the focus element or null for the root,
                    "base": FHIR type path of the focus ("HumanName", "Bundle.entry"),
                    "res": path of %resource, "ours": [{"type", "value"}] or null when ours failed}]}
Writes on stdout {"results": [{"theirs": [canonical items]} or {"error": text}, plus "ours": [canonical items]]}.

Where the two disagree, the driver evaluates twice more, to test two explanations (see
KnownDisagreement in DifferentialTally.swift): "uncommented" on the message without `fhir_comments`
(which fhirpathpy reads as elements, and whose `_name` holders it reads as second elements), and
"typed_children" likewise but with children()/descendants() leaving out the JSON `resourceType`
property and the `_name` objects of primitives (which are no elements; descendants() still walks
through the latter to the extensions they hold), and "untwinned" on the message without comments and
without any `_name` object (which fhirpathpy returns as a second item beside the primitive's value). Each is added to the result as "theirs_<name>" when it succeeds.

Both sides' items are made canonical here, by one function, so that the comparison in Swift is a
string compare: booleans `true`/`false`, numbers by value (1, 1.0 and 1.00 are `1`), strings and
dates as written, quantities `value 'unit'`, objects as JSON with sorted keys and numbers by value
(and without `fhir_comments`).
"""
import json
import re
import sys
from decimal import Decimal
from functools import reduce

try:
    import fhirpathpy
    from fhirpathpy.engine.invocations import invocation_registry, navigation
    from fhirpathpy.engine.nodes import FP_Quantity, FP_TimeBase, ResourceNode
    from fhirpathpy.models import models
except ImportError as error:  # the Swift test turns this into Prerequisite.missing
    print(json.dumps({"missing": str(error)}))
    sys.exit(3)

MODEL = models["stu3"]
# The FHIR constants of FHIR STU3's FHIRPath page; fhirpathpy defines %ucum only.
CONSTANTS = {"sct": "http://snomed.info/sct", "loinc": "http://loinc.org", "ucum": "http://unitsofmeasure.org"}
STEP = re.compile(r"^(.+?)(?:\[(\d+)\])?$")


def number(n):
    """A number by value, in plain notation: 1, 1.0 and 1.00 are all `1`."""
    return format(Decimal(n).normalize(), "f")


def canonical_json(value):
    """A JSON value with numbers as canonical strings (kinds are not compared)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return number(value)
    if isinstance(value, dict):  # comments are no FHIRPath data
        return {k: canonical_json(v) for k, v in value.items() if k != "fhir_comments"}
    if isinstance(value, list):
        return [canonical_json(v) for v in value]
    if isinstance(value, ResourceNode):
        return canonical_json(value.data)
    if isinstance(value, (FP_TimeBase, FP_Quantity)):
        return str(value)
    return value


def canonical(value):
    if isinstance(value, ResourceNode):
        value = value.data if value.data is not None else value._data
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return number(value)
    if isinstance(value, str):
        return value
    if isinstance(value, FP_Quantity):
        unit = value.unit or "1"
        return "%s '%s'" % (number(value.value), unit.strip("'"))
    if isinstance(value, FP_TimeBase):
        return value.asStr if getattr(value, "asStr", None) else str(value)
    if value is None:
        return "null"
    return json.dumps(canonical_json(value), sort_keys=True, separators=(",", ":"))


def canonical_ours(item):
    value = item["value"]
    if item["type"] == "System.Quantity":
        return "%s '%s'" % (number(value["value"]), value["unit"])
    return canonical(value)


def locate(root, path):
    """The JSON value at a dotted path (`Bundle.entry[2].resource.name[0]`, the root's type first).
    A primitive's extensions live in `_name`: a step below a primitive moves there."""
    node = root
    steps = path.split(".")[1:]
    for k, step in enumerate(steps):
        name, index = STEP.match(step).groups()
        value = node.get(name)
        twin = node.get("_" + name)
        if index is not None:
            i = int(index)
            value = value[i] if isinstance(value, list) and i < len(value) else None
            twin = twin[i] if isinstance(twin, list) and i < len(twin) else None
        last = k == len(steps) - 1
        if value is None or (not isinstance(value, dict) and not last):
            value = twin
        node = value
    return node


def uncommented(value):
    """The JSON without `fhir_comments`, and without `_name` holders left empty by that."""
    if isinstance(value, list):
        return [uncommented(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, v in value.items():
        if key == "fhir_comments":
            continue
        v = uncommented(v)
        if key.startswith("_"):
            if v == {}:
                continue
            if isinstance(v, list):
                v = [None if x == {} else x for x in v]
                if all(x is None for x in v):
                    continue
        out[key] = v
    return out


def untwinned(value):
    """The JSON without the `_name` objects of primitives (their ids and extensions)."""
    if isinstance(value, list):
        return [untwinned(v) for v in value]
    if not isinstance(value, dict):
        return value
    return {k: untwinned(v) for k, v in value.items() if not k.startswith("_")}


def is_element(node):
    """False for what fhirpathpy's children() and descendants() return but FHIR has no element
    for: the JSON `resourceType` property and a primitive's `_name` object."""
    last = (getattr(node, "path", None) or "").rsplit(".", 1)[-1]
    return not (last == "resourceType" or last.startswith("_"))


def fhir_children(ctx, coll):
    return [n for n in reduce(navigation.create_reduce_children(ctx, True), coll, []) if is_element(n)]


def fhir_descendants(ctx, coll):
    """fhirpathpy's descendants(), walking through `_name` objects (to their extensions) without
    returning them."""
    out = []
    level = reduce(navigation.create_reduce_children(ctx, False), coll, [])
    while level:
        out += [n for n in level if is_element(n)]
        level = reduce(navigation.create_reduce_children(ctx, False), [n for n in level if "resourceType" not in (n.path or "")], [])
    return out


ORIGINAL_NAVIGATION = {name: invocation_registry[name]["fn"] for name in ("children", "descendants")}
FHIR_NAVIGATION = {"children": fhir_children, "descendants": fhir_descendants}


def typed_children(on):
    for name, fn in ORIGINAL_NAVIGATION.items():
        invocation_registry[name]["fn"] = FHIR_NAVIGATION[name] if on else fn


def evaluate(fn, root, evaluation):
    resource = locate(root, evaluation["res"]) if evaluation.get("res") else root
    focus = root
    if evaluation.get("at"):
        focus = locate(root, evaluation["at"])
        if not (isinstance(focus, dict) and "resourceType" in focus):
            focus = ResourceNode.create_node(focus, evaluation["base"])
    return [canonical(item) for item in fn(focus, dict(CONSTANTS, resource=resource))]


def main():
    job = json.loads(sys.stdin.read(), parse_float=Decimal)
    # fhirpathpy's trace() prints to stdout: keep stdout for the answer.
    answer, sys.stdout = sys.stdout, sys.stderr
    resources = job["resources"]
    compiled = {}
    results = []
    for evaluation in job["evaluations"]:
        root = resources[evaluation["r"]]
        text = job["expressions"][evaluation["e"]]
        ours = evaluation.get("ours")
        out = {"ours": None if ours is None else [canonical_ours(item) for item in ours]}
        fn = compiled.get(text)
        try:
            if fn is None:
                fn = compiled[text] = fhirpathpy.compile(text, model=MODEL, options={"returnRawData": True})
            out["theirs"] = evaluate(fn, root, evaluation)
        except Exception as error:  # an error is a result to compare, not a crash
            out["error"] = "%s: %s" % (type(error).__name__, error)
        if fn is not None and out["ours"] is not None and out["ours"] != out.get("theirs"):
            plain = uncommented(root)
            for name, data, patched in (("uncommented", plain, False), ("typed_children", plain, True),
                                        ("untwinned", untwinned(plain), False)):
                typed_children(patched)
                try:
                    out["theirs_" + name] = evaluate(fn, data, evaluation)
                except Exception:
                    pass
                finally:
                    typed_children(False)
        results.append(out)
    json.dump({"results": results}, answer, separators=(",", ":"))


if __name__ == "__main__":
    main()
