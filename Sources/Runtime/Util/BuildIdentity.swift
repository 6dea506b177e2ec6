import CShims
import Foundation

/// Which build of the job binary this process runs: the executable's GNU build-id in hex,
/// so a driver and an executor can prove they run the same code (closures travel as
/// offsets into the executable, which only mean something in the same build).
public enum BuildIdentity {
    /// The build-id, or, for an executable linked without one, a digest of the executable's bytes.
    public static let current: String = {
        var bytes = [UInt8](repeating: 0, count: 64)
        let n = Int(engine_main_build_id(&bytes, Int32(bytes.count)))
        if n > 0 { return bytes[0..<n].map { String(format: "%02x", $0) }.joined() }
        guard let data = FileManager.default.contents(atPath: "/proc/self/exe") else { return "unknown" }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in data { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return "fnv-\(String(h, radix: 16))-\(data.count)"
    }()
}
