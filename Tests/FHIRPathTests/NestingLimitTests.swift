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
            // 600 levels: within the token limit, so that the nesting limit is what refuses them.
            let deep = String(repeating: c.open, count: 600) + "1" + String(repeating: c.close, count: 600)
            let error = try XCTUnwrap(try failure(deep), "\(c.name): 600 levels are refused")
            XCTAssertEqual(error.message, "the expression is nested more than 100 levels deep", c.name)
            // The opener of level 101 (its bracket or sign is the opener's last character).
            XCTAssertEqual(error.column, limit * c.open.count + c.open.count, c.name)
        }
    }

    func testLongOperatorAndInvocationChainsStopAtTheTreeDepthLimit() throws {
        // 300 additions evaluate (a tree 301 deep); 900 are refused rather than recursed into.
        XCTAssertEqual(try FP.text(Array(repeating: "1", count: 301).joined(separator: " + ")), "[301]")
        let additions = try XCTUnwrap(try failure(Array(repeating: "1", count: 900).joined(separator: " + ")))
        XCTAssertEqual(additions.message, "the expression is nested more than 400 operators deep")
        let members = try XCTUnwrap(try failure("Patient" + String(repeating: ".name", count: 900)))
        XCTAssertEqual(members.message, "the expression is nested more than 400 operators deep")
        XCTAssertEqual(try FP.text("Patient" + String(repeating: ".name", count: 300)), "[]")
        // A chain far past the limits (a library caller's expression has no argument-length
        // bound): refused before a tree is built (freeing a tree 300,000 deep overflowed the stack).
        let huge = try XCTUnwrap(try failure(Array(repeating: "1", count: 300_000).joined(separator: "+")))
        XCTAssertEqual(huge.message, "the expression is longer than 2000 tokens")
        XCTAssertEqual(huge.column, 2_001, "the 2,001st token: `1+` is two tokens, so the 1,001st `1` at column 2,001")
        // Long but shallow expressions still parse: nine groups of 100 unions, 1,817 tokens, 110 deep.
        let group = "(" + Array(repeating: "1", count: 100).joined(separator: " | ") + ")"
        XCTAssertNil(try failure(Array(repeating: group, count: 9).joined(separator: " | ")))
    }
}
