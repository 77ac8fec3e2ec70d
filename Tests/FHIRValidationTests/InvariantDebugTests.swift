import XCTest
import Foundation
import FHIRModel
import FHIRPath
import FHIRValidation
import DCHTestSupport

final class InvariantDebugTests: XCTestCase {
    func testDebug() throws {
        let validator = try VT.validator()
        var (root, _) = try VT.read(try VT.sample("nems-vaccination-new.xml"))
        root.edit([("entry", 2), ("resource", 0)]) { p in
            var inner = Element(name: "contained", resourceType: "Organization", children: [Element(name: "id", value: "o1"), Element(name: "name", value: "X")])
            var outer = Element(name: "contained", resourceType: "Organization", children: [Element(name: "id", value: "o2"), Element(name: "text", children: [Element(name: "status", value: "generated"), Element(name: "div", value: "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>")])])
            outer.children.append(inner)
            p.children.insert(outer, at: 1)
            p.children.append(Element(name: "extension", url: "http://x", children: [Element(name: "valueString", value: "a"), Element(name: "extension", url: "y", children: [Element(name: "valueString", value: "b")])]))
        }
        for i in validator.invariants.validate(root) { print("DBG", i.rule, i.path ?? "", i.message) }
    }
}
