import XCTest
import FHIRPath

/// Each operator on real small trees, true and false cases, and empty propagation.
final class OperatorTests: XCTestCase {
    func testEqualityOnElementsAndLiterals() throws {
        XCTAssertEqual(try FP.text("gender = 'female'"), "[true]")
        XCTAssertEqual(try FP.text("gender = 'male'"), "[false]")
        XCTAssertEqual(try FP.text("gender != 'male'"), "[true]")
        XCTAssertEqual(try FP.text("active = true"), "[true]")
        XCTAssertEqual(try FP.text("multipleBirth = 2"), "[true]")
        XCTAssertEqual(try FP.text("multipleBirth = 2.0"), "[true]", "integer and decimal compare as numbers")
        XCTAssertEqual(try FP.text("deceased = true"), "[]", "empty operand: empty result")
        XCTAssertEqual(try FP.text("name.given = ('Ann' | 'Mary' | 'Annie')"), "[true]", "collections: in order, same size")
        XCTAssertEqual(try FP.text("name.given = ('Mary' | 'Ann' | 'Annie')"), "[false]")
        XCTAssertEqual(try FP.text("name[0].given = name[1].given"), "[false]")
    }

    func testEquivalence() throws {
        XCTAssertEqual(try FP.text("name[0].family ~ 'SMITH '"), "[true]")
        XCTAssertEqual(try FP.text("name[0].family !~ 'smith'"), "[false]")
        XCTAssertEqual(try FP.text("deceased ~ {}"), "[true]", "two empty collections are equivalent")
        XCTAssertEqual(try FP.text("1.5 ~ 1.52"), "[true]", "decimals at the lesser precision")
        XCTAssertEqual(try FP.text("1.5 ~ 1.6"), "[false]")
    }

    func testComparisonAndPartialDates() throws {
        XCTAssertEqual(try FP.text("birthDate < @2019-04"), "[true]")
        XCTAssertEqual(try FP.text("birthDate > @2019-04"), "[false]")
        XCTAssertEqual(try FP.text("birthDate >= @2019-03"), "[true]")
        XCTAssertEqual(try FP.text("birthDate < @2019-03-15"), "[]", "same month, other precision: unknown")
        XCTAssertEqual(try FP.text("birthDate = @2019-03-15"), "[]")
        XCTAssertEqual(try FP.text("birthDate < @2020-01-01"), "[true]", "decided above the shared precision")
        XCTAssertEqual(try FP.text("birthDate ~ @2019-03-15"), "[false]")
        // 10:00+01:00 is 09:00Z: before 09:30Z although the local hour is later.
        XCTAssertEqual(try FP.text("effective.start < effective.end", on: FP.observation), "[true]")
        XCTAssertEqual(try FP.text("@2019-03-04T23:30:00-01:00 > @2019-03-05T00:10:00Z"), "[true]", "zone crosses midnight")
        XCTAssertEqual(try FP.text("@T10:00 < @T10:00:01"), "[]")
        XCTAssertEqual(try FP.text("@T10:00:00 < @T10:00:01"), "[true]")
        XCTAssertEqual(try FP.text("'abc' < 'abd'"), "[true]")
        XCTAssertEqual(try FP.text("referenceRange.low <= referenceRange.high", on: FP.observation), "[true]")
        XCTAssertEqual(try FP.text("referenceRange.low > referenceRange.high", on: FP.observation), "[false]")
        XCTAssertThrowsError(try FP.text("'a' < 1"))
    }

    func testArithmeticAndStrings() throws {
        XCTAssertEqual(try FP.text("1 + 2 * 3"), "[7]")
        XCTAssertEqual(try FP.text("(1 + 2) * 3"), "[9]")
        XCTAssertEqual(try FP.text("7 div 2"), "[3]")
        XCTAssertEqual(try FP.text("7 mod 2"), "[1]")
        XCTAssertEqual(try FP.text("7 / 2"), "[3.5]")
        // The FHIRPath specification's decimal examples (Math: div, mod).
        XCTAssertEqual(try FP.text("5.5 div 0.7"), "[7]")
        XCTAssertEqual(try FP.text("5.5 mod 0.7"), "[0.6]")
        XCTAssertEqual(try FP.text("5.5 div 0"), "[]")
        // Truncated division: toward zero for negative quotients, as Integer `div` and `mod` are.
        XCTAssertEqual(try FP.text("-7.5 div 2"), "[-3]")
        XCTAssertEqual(try FP.text("-7.5 mod 2"), "[-1.5]")
        XCTAssertEqual(try FP.text("7.5 div -2"), "[-3]")
        XCTAssertEqual(try FP.text("-7 div 2"), "[-3]")
        XCTAssertEqual(try FP.text("-7 mod 2"), "[-1]")
        XCTAssertEqual(try FP.text("1 / 0"), "[]")
        XCTAssertEqual(try FP.text("-multipleBirth"), "[-2]")
        XCTAssertThrowsError(try FP.text("value + 1", on: FP.observation), "a Quantity plus a number is an error")
        XCTAssertEqual(try FP.text("value.value + 1", on: FP.observation), "[2.5]", "exact decimals")
        XCTAssertEqual(try FP.text("name[0].family + ', ' + name[0].given.first()"), "['Smith, Ann']")
        XCTAssertEqual(try FP.text("name[1].family + 'x'"), "[]", "+ on strings propagates empty")
        XCTAssertEqual(try FP.text("name[1].family & 'x'"), "['x']", "& treats empty as ''")
    }

    func testLogicThreeValued() throws {
        XCTAssertEqual(try FP.text("active and gender = 'female'"), "[true]")
        XCTAssertEqual(try FP.text("active and deceased"), "[]")
        XCTAssertEqual(try FP.text("(gender = 'male') and deceased"), "[false]")
        XCTAssertEqual(try FP.text("deceased or active"), "[true]")
        XCTAssertEqual(try FP.text("deceased or (gender = 'male')"), "[]")
        XCTAssertEqual(try FP.text("active xor (gender = 'male')"), "[true]")
        XCTAssertEqual(try FP.text("active xor active"), "[false]")
        XCTAssertEqual(try FP.text("active xor deceased"), "[]")
        XCTAssertEqual(try FP.text("(gender = 'male') implies deceased"), "[true]")
        XCTAssertEqual(try FP.text("active implies (gender = 'male')"), "[false]")
        XCTAssertEqual(try FP.text("deceased implies active"), "[true]")
        XCTAssertEqual(try FP.text("gender or deceased"), "[true]", "one non-boolean item counts as true")
        XCTAssertThrowsError(try FP.text("name.given or active"), "several items where one boolean is needed")
    }

    func testUnionMembershipAndTypes() throws {
        XCTAssertEqual(try FP.text("(name.given | name.given).count()"), "[3]", "union removes duplicates")
        XCTAssertEqual(try FP.text("'Ann' in name.given"), "[true]")
        XCTAssertEqual(try FP.text("'Bob' in name.given"), "[false]")
        XCTAssertEqual(try FP.text("name.given contains 'Mary'"), "[true]")
        XCTAssertEqual(try FP.text("{} in name.given"), "[]")
        XCTAssertEqual(try FP.text("value is Quantity", on: FP.observation), "[true]")
        XCTAssertEqual(try FP.text("value is string", on: FP.observation), "[false]")
        XCTAssertEqual(try FP.text("(value as Quantity).unit", on: FP.observation), "[string:kg]")
        XCTAssertEqual(try FP.text("(value as string).exists()", on: FP.observation), "[false]")
        XCTAssertEqual(try FP.text("multipleBirth is integer"), "[true]")
        XCTAssertEqual(try FP.text("multipleBirth.is(boolean)"), "[false]")
        XCTAssertEqual(try FP.text("contained.first() is DomainResource"), "[true]", "resources typed by resourceType and base chain")
        XCTAssertEqual(try FP.text("1 is Integer"), "[true]")
    }

    func testLiteralsAndEscapes() throws {
        XCTAssertEqual(try FP.text("'it\\'s \\u0041'"), "['it's A']")
        XCTAssertEqual(try FP.text("`gender`"), "[code:female]")
        XCTAssertEqual(try FP.text("{}.count()"), "[0]")
        XCTAssertEqual(try FP.text("4.50 'mg'"), "[4.5 'mg']")
        XCTAssertEqual(try FP.text("%ucum"), "['http://unitsofmeasure.org']")
        XCTAssertEqual(try FP.text("%\"vs-administrative-gender\""), "['http://hl7.org/fhir/ValueSet/administrative-gender']")
        XCTAssertEqual(try FP.text("%`ext-patient-birthTime`"), "['http://hl7.org/fhir/StructureDefinition/patient-birthTime']")
        XCTAssertEqual(try FP.text("Patient.gender"), "[code:female]", "a leading type name is the focus")
        XCTAssertEqual(try FP.text("%context.gender = %resource.gender"), "[true]")
    }

    func testChoiceVariantsAndIndexer() throws {
        XCTAssertEqual(try FP.text("value.value", on: FP.observation), "[decimal:1.50]", "value finds valueQuantity; 1.50 kept exact")
        XCTAssertEqual(try FP.text("value.value.toString()", on: FP.observation), "['1.50']")
        XCTAssertEqual(try FP.text("multipleBirth"), "[integer:2]")
        XCTAssertEqual(try FP.text("multiple"), "[]", "a prefix is no choice name")
        XCTAssertEqual(try FP.text("name[1].given"), "[string:Annie]")
        XCTAssertEqual(try FP.text("name[2]"), "[]")
        XCTAssertEqual(try FP.text("extension[1].value"), "[boolean:true]")
    }

    func testSyntaxErrorsCarryColumns() throws {
        let engine = try FP.engine()
        for (text, column) in [("name.", 6), ("name.given.first(", 18), ("1 +", 4), ("'open", 1), ("a # b", 3), ("where(1,2)", 1)] {
            switch engine.compile(text) {
            case .success: XCTFail("\(text) parsed")
            case let .failure(error): XCTAssertEqual(error.column, column, "\(text): \(error)")
            }
        }
    }

    func testUnsupportedFunctionsAreReportedNotPassed() throws {
        let engine = try FP.engine()
        let compiled = try engine.compile("code.memberOf(%\"vs-x\")").get()
        XCTAssertNotNil(compiled.unsupportedReason)
        XCTAssertThrowsError(try FP.text("gender.memberOf('http://x')"))
        XCTAssertThrowsError(try FP.text("conformsTo('http://x')"))
        XCTAssertNotNil(try engine.compile("%unknownThing").get().unsupportedReason)
    }
}
