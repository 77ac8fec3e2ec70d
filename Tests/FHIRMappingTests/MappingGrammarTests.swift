import XCTest
import FHIRModel
@testable import FHIRMapping

/// One test per grammar construct and execution rule of the FHIR Mapping Language
/// (https://hl7.org/fhir/R4/mapping-language.html), each with a map written here and the result
/// the specification gives for it.
final class MappingGrammarTests: XCTestCase {
    private let patient = """
        {"resourceType": "Patient", "id": "p1", "active": true, "gender": "female",
         "birthDate": "2019-03-04", "deceasedBoolean": false,
         "name": [{"use": "official", "family": "Smith", "given": ["Ann", "Beth", "Cara"]},
                  {"use": "nickname", "given": ["Annie"]}],
         "telecom": [{"system": "phone", "value": "0123"}, {"system": "email", "value": "a@b.uk"}]}
        """

    private func run(_ groups: String, file: StaticString = #filePath, line: UInt = #line) throws -> MappingResult {
        try MappingHarness.run(MappingHarness.prefix + groups, on: patient, file: file, line: line)
    }

    /// `tgt.x = v` copies a primitive by value; `= 'x'` / `= true` copies a constant.
    func testCopyVariablesAndConstants() throws {
        let out = try run("""
            group main(source src : PatientIn, target tgt : PatientOut) {
              src.gender as g -> tgt.gender = g;
              src -> tgt.active = false "constant";
              src.birthDate as b -> tgt.birthDate = b;
              src -> tgt.language = 'en-GB' "text";
            }
            """).output
        XCTAssertEqual(out.resourceType, "Patient")
        XCTAssertEqual(MappingHarness.values(out, "gender"), ["female"])
        XCTAssertEqual(MappingHarness.values(out, "active"), ["false"])
        XCTAssertEqual(MappingHarness.values(out, "birthDate"), ["2019-03-04"])
        XCTAssertEqual(MappingHarness.values(out, "language"), ["en-GB"])
        // Definition order: language before active before gender before birthDate.
        XCTAssertEqual(out.children.map(\.name), ["language", "active", "gender", "birthDate"])
    }

    /// `src.a -> tgt.a;` converts with the `<<type+>>` default group of the element's type,
    /// `extends` runs the base group first with the same variables, and a primitive with no
    /// group is copied by value.
    func testSimpleCopyDefaultGroupsAndExtends() throws {
        let result = try run("""
            group main(source src : PatientIn, target tgt : PatientOut) extends base {
              src.name -> tgt.name;
            }
            group base(source src, target tgt) {
              src.id -> tgt.id;
            }
            group HumanName(source src : HumanName, target tgt : HumanName) <<type+>> {
              src.family as f -> tgt.family = f;
              src.given -> tgt.given;
            }
            group string(source src : string, target tgt : string) <<type+>> {
              src.value as v -> tgt.value = v "string-value";
            }
            """)
        let out = result.output
        XCTAssertEqual(MappingHarness.values(out, "id"), ["p1"])
        XCTAssertEqual(MappingHarness.values(out, "name.family"), ["Smith"])
        XCTAssertEqual(MappingHarness.values(out, "name.given"), ["Ann", "Beth", "Cara", "Annie"])
        XCTAssertEqual(MappingHarness.nodes(out, "name").count, 2)
        // `use` has no rule: reported as not consumed, both times.
        XCTAssertTrue(result.unconsumed.contains("Patient.name[0].use"), "\(result.unconsumed)")
        XCTAssertTrue(result.unconsumed.contains("Patient.name[1].use"))
        XCTAssertTrue(result.unconsumed.contains("Patient.gender"))
        XCTAssertFalse(result.unconsumed.contains("Patient.name[0].family"))
        XCTAssertFalse(result.unconsumed.contains { $0.hasPrefix("Patient.name[0].given") }, "\(result.unconsumed)")
    }

    /// Source list modes: first, last, not_first, not_last (after `where`).
    func testSourceListModes() throws {
        func given(_ mode: String) throws -> [String] {
            let out = try run("""
                group main(source src : PatientIn, target tgt : PatientOut) {
                  src.name first as sn -> tgt.name as tn then {
                    sn.given \(mode) as g -> tn.given = g;
                  };
                }
                """).output
            return MappingHarness.values(out, "name.given")
        }
        XCTAssertEqual(try given("first"), ["Ann"])
        XCTAssertEqual(try given("last"), ["Cara"])
        XCTAssertEqual(try given("not_first"), ["Beth", "Cara"])
        XCTAssertEqual(try given("not_last"), ["Ann", "Beth"])
        XCTAssertThrowsError(try given("only_one")) { error in
            XCTAssertEqual((error as? IssuesError)?.issues.first?.rule, FMLRule.execution)
        }
    }

    /// `where` filters matches (a name that is not a child resolves to a variable), `check` stops
    /// the transform, `log` records a line.
    func testWhereCheckAndLog() throws {
        let out = try run("""
            group main(source src : PatientIn, target tgt : PatientOut) {
              src.telecom as t where (system = 'email') log ('kept ' + value) -> tgt.telecom = t;
              src.name as n where (n.use = 'nickname') -> tgt.name = n;
              src.gender as g where (%g = 'female') -> tgt.gender = g;
            }
            """)
        XCTAssertEqual(MappingHarness.values(out.output, "telecom.value"), ["a@b.uk"])
        XCTAssertEqual(MappingHarness.values(out.output, "name.given"), ["Annie"])
        XCTAssertEqual(MappingHarness.values(out.output, "gender"), ["female"])   // `%g`: the variable
        XCTAssertEqual(out.log.map(\.message), ["kept a@b.uk"])

        XCTAssertThrowsError(try run("""
            group main(source src : PatientIn, target tgt : PatientOut) {
              src.telecom as t check (system = 'email') -> tgt.telecom = t;
            }
            """)) { error in
            let issue = (error as? IssuesError)?.issues.last
            XCTAssertEqual(issue?.rule, FMLRule.execution)
            XCTAssertEqual(issue?.position?.line, 5)   // the source's line in the map text
        }
    }

    /// A choice element takes its wire name from the value's type, on both sides; `: Type` filters.
    func testChoiceElementsAndTypeFilter() throws {
        let out = try run("""
            group main(source src : PatientIn, target tgt : PatientOut) {
              src.deceased : dateTime as d -> tgt.active = true "never";
              src.deceased : boolean as d -> tgt.deceased = d "deceased";
              src.birthDate as b -> tgt.multipleBirth = create('integer') as m, m.value = '2' "twin";
            }
            """).output
        XCTAssertEqual(MappingHarness.values(out, "deceasedBoolean"), ["false"])
        XCTAssertEqual(MappingHarness.values(out, "multipleBirthInteger"), ["2"])
        XCTAssertEqual(MappingHarness.values(out, "active"), [])
    }

    /// `then group(a, b)` binds arguments by position; nested `then { }` rules see the outer
    /// rule's variables; `ctx.el as v` reuses a non-repeating element.
    func testDependentGroupsNestedRulesAndVariables() throws {
        let out = try run("""
            group main(source src : PatientIn, target tgt : PatientOut) {
              src.name as sn -> tgt.name as tn then copyName(sn, tn) "names";
              src.gender as g -> tgt.contact as c then {
                g -> c.gender = g "inner";
                src.birthDate as b -> c.name as cn, cn.text = b "text";
              } "contact";
              src -> tgt.maritalStatus as ms, ms.text = 'M' "ms1";
              src -> tgt.maritalStatus as ms, ms.coding = c('http://hl7.org/fhir/v3/MaritalStatus', 'M') "ms2";
            }
            group copyName(source s, target t) {
              s.family as f -> t.family = f;
            }
            """).output
        XCTAssertEqual(MappingHarness.values(out, "name.family"), ["Smith"])
        XCTAssertEqual(MappingHarness.nodes(out, "name").count, 1)   // the nickname name has no family: dropped empty
        XCTAssertEqual(MappingHarness.values(out, "contact.gender"), ["female"])
        XCTAssertEqual(MappingHarness.values(out, "contact.name.text"), ["2019-03-04"])
        XCTAssertEqual(MappingHarness.nodes(out, "maritalStatus").count, 1)
        XCTAssertEqual(MappingHarness.values(out, "maritalStatus.text"), ["M"])
        XCTAssertEqual(MappingHarness.values(out, "maritalStatus.coding.code"), ["M"])
    }

    /// Target list mode `share`: later rules of the group reuse the instance.
    func testShareTargetListMode() throws {
        let out = try run("""
            group main(source src : PatientIn, target tgt : PatientOut) {
              src.telecom as t -> tgt.telecom as ct share tel, ct.value = 'x' "one";
              src.gender as g -> tgt.telecom as ct share tel, ct.use = 'home' "two";
            }
            """).output
        XCTAssertEqual(MappingHarness.nodes(out, "telecom").count, 1)
        XCTAssertEqual(MappingHarness.values(out, "telecom.use"), ["home"])
    }

    /// Default values and cardinality bounds on sources.
    func testDefaultAndCardinality() throws {
        let out = try run("""
            group main(source src : PatientIn, target tgt : PatientOut) {
              src.language default 'en' as l -> tgt.language = l;
            }
            """).output
        XCTAssertEqual(MappingHarness.values(out, "language"), ["en"])
        XCTAssertThrowsError(try run("""
            group main(source src : PatientIn, target tgt : PatientOut) {
              src.name 0..1 as n -> tgt.name = n;
            }
            """))
    }
}
