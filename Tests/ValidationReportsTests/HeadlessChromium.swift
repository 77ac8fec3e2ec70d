import Foundation
import XCTest
import DCHTestSupport

/// Headless Chromium (the Debian `chromium` package), run on a page to screenshot it or dump its DOM.
struct HeadlessChromium {
    /// The browser is installed but did not do its job.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let executable: String
    /// A throwaway profile, so no run depends on the machine's own.
    let profile: URL

    /// The browser on PATH, or a skip that says how to get it.
    static func require() throws -> HeadlessChromium {
        guard let path = Fixtures.which("chromium") ?? Fixtures.which("chromium-browser") else {
            throw Prerequisite.missing("chromium is not installed (apt-get install chromium; .ci/run installs it): rendering test skipped")
        }
        return HeadlessChromium(executable: path, profile: Fixtures.tempFile("profile"))
    }

    private var common: [String] {
        ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
         "--user-data-dir=\(profile.path)", "--hide-scrollbars", "--force-device-scale-factor=1",
         "--force-color-profile=srgb"]
    }

    /// Renders `url` into a PNG of exactly `width` x `height` pixels and returns its bytes.
    func screenshot(_ url: URL, width: Int, height: Int) throws -> [UInt8] {
        let png = Fixtures.tempFile("png")
        defer { try? FileManager.default.removeItem(at: png) }
        let result = try run(common + ["--screenshot=\(png.path)", "--window-size=\(width),\(height)", url.absoluteString])
        guard FileManager.default.fileExists(atPath: png.path) else {
            throw Failure(description: "chromium wrote no screenshot (status \(result.status)): \(result.stderr.suffix(2000))")
        }
        return Array(try Data(contentsOf: png))
    }

    /// The DOM after the page's scripts ran (a virtual time budget lets them finish), serialised.
    func dumpDOM(_ url: URL) throws -> String {
        let result = try run(common + ["--virtual-time-budget=5000", "--dump-dom", url.absoluteString])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout
    }

    /// Runs the browser with a deadline; stdout goes through a file so that no pipe can fill up.
    private func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        defer { try? FileManager.default.removeItem(at: profile) }
        let out = Fixtures.tempFile("out"), err = Fixtures.tempFile("err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        if done.wait(timeout: .now() + 90) == .timedOut {
            process.terminate()
            done.wait()
            throw Failure(description: "chromium did not finish within 90 s")
        }
        return (process.terminationStatus, try String(contentsOf: out, encoding: .utf8),
                String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }
}
