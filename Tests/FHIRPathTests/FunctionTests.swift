import XCTest
import FHIRPath

/// Each function on real small trees, true and false cases.
final class FunctionTests: XCTestCase {
    func testExistence() throws {
        XCTAssertEqual(try FP.text("name.empty()"), "[false]")
        XCTAssertEqual(try FP.text("deceased.empty()"), "[true]")
        XCTAssertEqual(try FP.text("name.exists(use = 'nickname')"), "[true]")
        XCTAssertEqual(try FP.text("name.exists(use = 'maiden')"), "[false]")
        XCTAssertEqual(try FP.text("name.all(given.exists())"), "[true]")
        XCTAssertEqual(try FP.text("name.all(family.exists())"), "[false]")
        XCTAssertEqual(try FP.text("deceased.all(false)"), "[true]", "all() of nothing is true")
        XCTAssertEqual(try FP.text("(true | false).allTrue()"), "[false]")
        XCTAssertEqual(try FP.text("(true | false).anyTrue()"), "[true]")
        XCTAssertEqual(try FP.text("(false).allFalse()"), "[true]")
        XCTAssertEqual(try FP.text("(true).anyFalse()"), "[false]")
        XCTAssertEqual(try FP.text("name.given.count()"), "[3]")
        XCTAssertEqual(try FP.text("(1 | 1 | 2).count()"), "[2]")
        XCTAssertEqual(try FP.text("name.given.combine(name.given).distinct().count()"), "[3]")
        XCTAssertEqual(try FP.text("name.given.isDistinct()"), "[true]")
        XCTAssertEqual(try FP.text("name.given.combine('Ann').isDistinct()"), "[false]")
        XCTAssertEqual(try FP.text("name[0].given.subsetOf(name.given)"), "[true]")
        XCTAssertEqual(try FP.text("name.given.subsetOf(name[0].given)"), "[false]")
        XCTAssertEqual(try FP.text("name.given.supersetOf(name[1].given)"), "[true]")
        XCTAssertEqual(try FP.text("gender.hasValue()"), "[true]")
        XCTAssertEqual(try FP.text("name[0].hasValue()"), "[false]", "complex elements have no value")
    }

    func testFilteringAndSubsetting() throws {
        XCTAssertEqual(try FP.text("name.where(use = 'official').given"), "[string:Ann, string:Mary]")
        XCTAssertEqual(try FP.text("name.select(given.first())"), "[string:Ann, string:Annie]")
        XCTAssertEqual(try FP.text("name.given.where($index = 1)"), "[string:Mary]")
        XCTAssertEqual(try FP.text("name.given.where($this.startsWith('An'))"), "[string:Ann, string:Annie]")
        XCTAssertEqual(try FP.text("contained.repeat(name)"), "[string:Clinic]")
        XCTAssertEqual(try FP.text("extension.value.ofType(boolean)"), "[boolean:true]")
        XCTAssertEqual(try FP.text("extension.value.ofType(string)"), "[string:A]")
        XCTAssertEqual(try FP.text("name.given.first()"), "[string:Ann]")
        XCTAssertEqual(try FP.text("name.given.last()"), "[string:Annie]")
        XCTAssertEqual(try FP.text("name.given.tail()"), "[string:Mary, string:Annie]")
        XCTAssertEqual(try FP.text("name.given.skip(2)"), "[string:Annie]")
        XCTAssertEqual(try FP.text("name.given.take(1)"), "[string:Ann]")
        XCTAssertEqual(try FP.text("gender.single()"), "[code:female]")
        XCTAssertThrowsError(try FP.text("name.given.single()"))
        XCTAssertEqual(try FP.text("name.given.intersect('Mary' | 'Bob')"), "[string:Mary]")
        XCTAssertEqual(try FP.text("name.given.exclude('Mary')"), "[string:Ann, string:Annie]")
        XCTAssertEqual(try FP.text("name[0].given.union(name[1].given).count()"), "[3]")
    }

    /// `Extension.url` and `Element.id` are children (FHIRPath N1 children(): every child node;
    /// FHIR keeps them as XML attributes, which is no reason to leave them out). Found by the
    /// differential test: fhirpathpy counted them and we did not.
    func testChildrenIncludeTheIdAndUrlAttributes() throws {
        XCTAssertEqual(try FP.text("extension[0].children()"), "[uri:http://example.org/ext-a, string:A]")
        let withId = #"{"resourceType": "Patient", "name": [{"id": "n1", "family": "Smith"}]}"#
        XCTAssertEqual(try FP.text("name.children()", on: withId), "[string:n1, string:Smith]")
        XCTAssertEqual(try FP.text("name.descendants().count()", on: withId), "[2]")
        XCTAssertEqual(try FP.text("children().count()", on: withId), "[1]")
        XCTAssertEqual(try FP.text("descendants().ofType(uri)"), "[uri:http://example.org/ext-a, uri:http://example.org/ext-b, uri:https://fhir.nhs.uk/Id/nhs-number]")
    }

    func testLogicAndTree() throws {
        XCTAssertEqual(try FP.text("iif(active, 'yes', 'no')"), "['yes']")
        XCTAssertEqual(try FP.text("iif(deceased, 'yes', 'no')"), "['no']")
        XCTAssertEqual(try FP.text("iif(deceased, 'yes')"), "[]")
        XCTAssertEqual(try FP.text("active.not()"), "[false]")
        XCTAssertEqual(try FP.text("deceased.not()"), "[]")
        XCTAssertEqual(try FP.text("name[1].children()"), "[code:nickname, string:Annie]")
        XCTAssertEqual(try FP.text("identifier.descendants().count()"), "[2]")
        XCTAssertEqual(try FP.text("descendants().where($this is Reference).reference"), "[string:#org1]")
        XCTAssertEqual(try FP.text("extension('http://example.org/ext-b').value"), "[boolean:true]")
        XCTAssertEqual(try FP.text("extension('http://example.org/ext-c')"), "[]")
        XCTAssertEqual(try FP.text("name.trace('names').count()"), "[2]")
        XCTAssertEqual(try FP.text("text.div.htmlChecks()"), "[true]")
    }

    func testHtmlChecksRefusesActiveContentAndBlankText() throws {
        func check(_ div: String) throws -> String {
            let json = "{\"resourceType\": \"Basic\", \"code\": {\"text\": \"x\"}, \"text\": {\"status\": \"generated\", \"div\": \"\(div)\"}}"
            return try FP.text("text.div.htmlChecks()", on: json)
        }
        let ns = "xmlns=\\\"http://www.w3.org/1999/xhtml\\\""
        XCTAssertEqual(try check("<div \(ns)><p>Seen <b>today</b></p></div>"), "[true]")
        XCTAssertEqual(try check("<div \(ns)><img src=\\\"a.png\\\"/></div>"), "[true]", "an image is content")
        XCTAssertEqual(try check("<div \(ns)> </div>"), "[false]", "txt-2: no text")
        XCTAssertEqual(try check("<div \(ns)>x<script>alert(1)</script></div>"), "[false]")
        XCTAssertEqual(try check("<div \(ns)><p onclick=\\\"go()\\\">x</p></div>"), "[false]")
        XCTAssertEqual(try check("<div \(ns)><a href=\\\"javascript:go()\\\">x</a></div>"), "[false]")
    }

    func testTraceCallsTheTracer() throws {
        let engine = try FP.engine()
        let env = FHIRPathEnvironment(root: try FP.resource(FP.patient), engine: engine)
        var traced: [(String, Int)] = []
        env.tracer = { traced.append(($0, $1.count)) }
        _ = try engine.evaluate(try engine.compile("name.given.trace('g').count()").get(), on: env.rootElement, in: env)
        XCTAssertEqual(traced.map(\.0), ["g"])
        XCTAssertEqual(traced.map(\.1), [3])
    }

    func testStrings() throws {
        XCTAssertEqual(try FP.text("name[0].family.matches('^Sm[a-z]+$')"), "[true]")
        XCTAssertEqual(try FP.text("name[0].family.matches('^sm')"), "[false]")
        XCTAssertEqual(try FP.text("name[0].family.startsWith('Sm')"), "[true]")
        XCTAssertEqual(try FP.text("name[0].family.endsWith('Sm')"), "[false]")
        XCTAssertEqual(try FP.text("name[0].family.contains('mit')"), "[true]")
        XCTAssertEqual(try FP.text("name[0].family.contains('x')"), "[false]")
        XCTAssertEqual(try FP.text("name[0].family.length()"), "[5]")
        XCTAssertEqual(try FP.text("name[0].family.substring(1, 3)"), "['mit']")
        XCTAssertEqual(try FP.text("name[0].family.substring(1)"), "['mith']")
        XCTAssertEqual(try FP.text("name[0].family.substring(9)"), "[]")
        XCTAssertEqual(try FP.text("name[0].family.indexOf('th')"), "[3]")
        XCTAssertEqual(try FP.text("name[0].family.indexOf('x')"), "[-1]")
        XCTAssertEqual(try FP.text("name[0].family.replace('Sm', 'Sch')"), "['Schith']")
        XCTAssertEqual(try FP.text("name[0].family.replaceMatches('[aeiou]', '_')"), "['Sm_th']")
        XCTAssertEqual(try FP.text("name[0].family.upper()"), "['SMITH']")
        XCTAssertEqual(try FP.text("name[0].family.lower()"), "['smith']")
        XCTAssertEqual(try FP.text("name[1].family.upper()"), "[]", "empty in, empty out")
        XCTAssertEqual(try FP.text("'42'.toInteger() + 1"), "[43]")
        XCTAssertEqual(try FP.text("'4x'.toInteger()"), "[]")
        XCTAssertEqual(try FP.text("'4.25'.toDecimal()"), "[4.25]")
        XCTAssertEqual(try FP.text("multipleBirth.toString()"), "['2']")
        XCTAssertEqual(try FP.text("birthDate.toString()"), "['2019-03']")
    }

    func testDatesNow() throws {
        XCTAssertEqual(try FP.text("birthDate < today()"), "[true]")
        XCTAssertEqual(try FP.text("now() > @2020-01-01T00:00:00Z"), "[true]")
        XCTAssertEqual(try FP.text("today() < @2000-01-01"), "[false]")
    }

    func testResolveInsideABundle() throws {
        let bundle = """
        {"resourceType": "Bundle", "type": "message", "entry": [
          {"fullUrl": "urn:uuid:6f1c1e3a-0000-4000-8000-000000000001",
           "resource": {"resourceType": "Encounter", "status": "finished",
                        "subject": {"reference": "urn:uuid:6f1c1e3a-0000-4000-8000-000000000002"},
                        "serviceProvider": {"reference": "Organization/o9"},
                        "participant": [{"individual": {"reference": "Practitioner/far-away"}}]}},
          {"fullUrl": "urn:uuid:6f1c1e3a-0000-4000-8000-000000000002",
           "resource": {"resourceType": "Patient", "id": "p2", "gender": "male"}},
          {"fullUrl": "https://example.org/fhir/Organization/o9",
           "resource": {"resourceType": "Organization", "id": "o9", "name": "Ward"}}]}
        """
        XCTAssertEqual(try FP.text("entry[0].resource.subject.resolve().gender", on: bundle), "[code:male]")
        XCTAssertEqual(try FP.text("entry[0].resource.subject.resolve() is Patient", on: bundle), "[true]")
        XCTAssertEqual(try FP.text("entry[0].resource.serviceProvider.resolve().name", on: bundle), "[string:Ward]")
        let engine = try FP.engine()
        let env = FHIRPathEnvironment(root: try FP.resource(bundle), engine: engine)
        let far = try engine.compile("entry[0].resource.participant.individual.resolve()").get()
        XCTAssertEqual(try engine.evaluate(far, on: env.rootElement, in: env).count, 0)
        XCTAssertTrue(env.unresolvedReference, "an outside reference is noted, not silently empty")
        // `#id`: the contained resource of the resource being evaluated.
        XCTAssertEqual(try FP.text("generalPractitioner.resolve().name"), "[string:Clinic]")
    }
}
