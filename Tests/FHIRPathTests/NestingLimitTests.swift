import XCTest
import FHIRPath

/// Expressions nested past the parser's limits are syntax errors at the place that goes too deep,
/// not a stack overflow (FuzzFHIRPath found 1,700 nested signs overflowing the evaluator); up to
/// the limits they still parse and evaluate.
final class NestingLimitTests: XCTestCase {
    private func failure(_ expression: String, file: StaticString = #filePath, line: UInt = #line) throws -> FHIRPathSyntaxError? {
        switch try FP.engine().compile(expression) {
        case .success: return nil
        case .failure(let error): return error
        }
    }

    func testNestedSignsParenthesesArgumentsAndIndexesStopAtTheLimit() throws {
        let limit = 100
        // Each opener at column k + 1 (0-based k): the one past the limit is the 101st.
        let cases: [(name: String, open: String, close: String)] = [
            ("signs", "-", ""), ("parentheses", "(", ")"), ("function arguments", "exists(", ")"), ("indexes", "a[", "]"),
        ]
        for c in cases {
            let within = String(repeating: c.open, count: limit) + "1" + String(repeating: c.close, count: limit)
            XCTAssertNil(try failure(within), "\(c.name): \(limit) levels parse")
            let deep = String(repeating: c.open, count: 20_000) + "1" + String(repeating: c.close, count: 20_000)
            let error = try XCTUnwrap(try failure(deep), "\(c.name): 20,000 levels are refused")
            XCTAssertEqual(error.message, "the expression is nested more than 100 levels deep", c.name)
            // The opener of level 101 (its bracket or sign is the opener's last character).
            XCTAssertEqual(error.column, limit * c.open.count + c.open.count, c.name)
        }
    }

    func testLongOperatorAndInvocationChainsStopAtTheTreeDepthLimit() throws {
        // 300 additions evaluate (a tree 301 deep); 5,000 are refused rather than recursed into.
        XCTAssertEqual(try FP.text(Array(repeating: "1", count: 301).joined(separator: " + ")), "[301]")
        let additions = try XCTUnwrap(try failure(Array(repeating: "1", count: 5_000).joined(separator: " + ")))
        XCTAssertEqual(additions.message, "the expression is nested more than 400 operators deep")
        let members = try XCTUnwrap(try failure("Patient" + String(repeating: ".name", count: 5_000)))
        XCTAssertEqual(members.message, "the expression is nested more than 400 operators deep")
        XCTAssertEqual(try FP.text("Patient" + String(repeating: ".name", count: 300)), "[]")
    }
}
