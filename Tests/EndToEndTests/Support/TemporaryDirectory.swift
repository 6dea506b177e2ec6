import Foundation

/// A fresh directory under $TMPDIR, removed by ``remove()`` (call it in a `defer`).
struct TemporaryDirectory {
    let path: String

    init(_ label: String = "e2e") throws {
        let base = (NSTemporaryDirectory() as NSString).appendingPathComponent("engine-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        path = base
    }

    /// A path inside the directory (not created).
    func child(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Writes bytes to a file inside the directory and returns its path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = child(name)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
