import Foundation
import FHIRModel
import FHIRPath
import LawfulSharing
import FuzzSupport

private let engine = FHIRPathEngine(pack: FuzzSupport.converter.pack)
private let key: SharingKey = {
    do { return try SharingKey(secret: Data("fuzz key: thirty-two bytes long!".utf8)) } catch { fatalError("\(error)") }
}()

/// The shipped sample messages (a DCH and a NEMS event) that a policy which loads is applied to.
private let samples: [Element] = {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../Samples")
    return ["dch-birth-weight.xml", "nems-vaccination-new.json"].map { name in
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path),
              let root = try? FuzzSupport.converter.read(data).root else { fatalError("Samples/\(name) cannot be read") }
        return root
    }
}()

/// A sharing policy file (YAML) over any bytes: problems with line:column, or a policy; a policy
/// that loads is applied to the sample messages (its rules run). A crash or a hang is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ input: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes = input,
          let policy = try? PolicyLoader(engine: engine).load(yaml: FuzzSupport.text(bytes, count), file: "fuzz.yaml") else { return 0 }
    let sharer = MessageSharer(policy: policy, engine: engine, key: key)
    for sample in samples { _ = sharer.share(sample) }
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver with this target.
@_cdecl("FuzzPolicy_main")
public func fuzzPolicyMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzSupport.run(argc, argv, fuzzPolicy)
}
