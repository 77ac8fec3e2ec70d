import XCTest
import FHIRDefinitions
import DCHTestSupport

final class SnapshotLinkingComparisonTests: XCTestCase {
    func testDump() throws {
        let pack = try SharedCorpus.definitionPack()
        var out = ""
        var profilesV = 0, profilesE = 0, profilesEV = 0, total = 0
        for url in try pack.urls(of: .structure) {
            guard let sd = try pack.structure(url: url), sd.derivation == "constraint" else { continue }
            total += 1
            let new = IDLinking.orderBased(try XCTUnwrap(SnapshotTree(sd)))
            let v = IDLinking.validator(sd), e = IDLinking.eventBuilder(sd)
            if v != e { profilesEV += 1 }
            if v != new { profilesV += 1 }
            if e != new { profilesE += 1 }
            if new.count != sd.elements.count - 1 { out += "UNLINKED \(sd.url) \(sd.elements.count - 1 - new.count)\n" }
            for i in sd.elements.indices.dropFirst() where new[i] != v[i] || new[i] != e[i] {
                let r = sd.elements[i]
                out += "\(sd.name)\t#\(i)\t\(r.path)\t\(r.id ?? "-")\t\(r.sliceName ?? "-")\tnew=\(new[i].map { "\($0) \(sd.elements[$0.parent].id ?? sd.elements[$0.parent].path)" } ?? "none")\tval=\(v[i].map(\.description) ?? "none")\teb=\(e[i].map(\.description) ?? "none")\n"
            }
        }
        out = "total \(total) v!=e \(profilesEV) v!=new \(profilesV) e!=new \(profilesE)\n" + out
        try out.write(toFile: "/tmp/snapscratch/diff.tsv", atomically: true, encoding: .utf8)
    }
}
