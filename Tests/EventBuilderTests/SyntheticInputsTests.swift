import XCTest
import ChildHealthEvents
import EventBuilder

/// The synthetic inputs are plausible: test NHS numbers, ages within the first 1000 days,
/// measurements in clinical ranges, and the same for the same random state.
final class SyntheticInputsTests: XCTestCase {
    func testInputsArePlausibleForEveryEvent() throws {
        let catalogue = try EventCatalogue.shipped()
        for (n, event) in catalogue.events.enumerated() {
            for i in 0..<20 {
                var random = MessageGenerator.random(seed: 9, index: n * 100 + i)
                let input = SyntheticInputs.make(for: event, using: &random)
                for person in [input.patient] + (input.parent.map { [$0] } ?? []) {
                    XCTAssertTrue(NHSNumber.isValid(person.nhsNumber), person.nhsNumber)
                    XCTAssertTrue(person.nhsNumber.hasPrefix("999"), person.nhsNumber)
                }
                let age = input.occurred.minutes - input.patient.birth.minutes
                XCTAssertTrue((0...1001 * 1440).contains(age), "\(event.eventCode): event \(age / 1440) days after birth")
                XCTAssertLessThan(input.occurred, input.sent)
                XCTAssertTrue(event.allowedMessageEventTypes.contains(input.messageEventType))
                XCTAssertTrue(ODSCode.isPlausible(input.sender.odsCode, system: ODSCode.organizationSystem))
                for m in input.measurements {
                    let v = try XCTUnwrap(Double(m.value))
                    switch m.kind {
                    case .weight: XCTAssertTrue((2.0...20.0).contains(v), "weight \(v) kg")
                    case .length, .height: XCTAssertTrue((42.0...110.0).contains(v), "length \(v) cm")
                    case .headCircumference: XCTAssertTrue((31.0...54.0).contains(v), "head \(v) cm")
                    }
                }
            }
        }
    }

    func testSameStateSameInputs() throws {
        let event = try XCTUnwrap(EventCatalogue.shipped().event(named: "vaccinations-1"))
        var a = MessageGenerator.random(seed: 1, index: 7), b = MessageGenerator.random(seed: 1, index: 7)
        var c = MessageGenerator.random(seed: 1, index: 8)
        let x = SyntheticInputs.make(for: event, using: &a)
        XCTAssertEqual(x, SyntheticInputs.make(for: event, using: &b))
        XCTAssertNotEqual(x, SyntheticInputs.make(for: event, using: &c))
        XCTAssertNotNil(x.vaccination)
    }

    func testFHIRTimeForms() {
        let t = FHIRTime(year: 2024, month: 2, day: 29, hour: 23, minute: 5)
        XCTAssertEqual(t.dateTime, "2024-02-29T23:05:00+00:00")
        XCTAssertEqual(t.adding(minutes: 60).date, "2024-03-01")
        XCTAssertEqual(FHIRTime(year: 1969, month: 12, day: 31).date, "1969-12-31")
    }
}
